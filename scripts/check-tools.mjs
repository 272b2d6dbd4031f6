#!/usr/bin/env node
// The one list of outside tools the tests (and the daemon's optional paths) run. `npm test`
// runs this first (pretest) and `.ci/run` calls it before installing, so the list lives here only.
// Missing tools are installed when this machine allows it (apt-get as root on Debian, brew on
// macOS); otherwise it stops with one line saying exactly what to run. Plain ESM with no
// dependencies: it must run on the machine's own node, before ./install.sh has done anything.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Each tool: how to find it, and the package providing it per system. `platforms` limits a tool
 * to where the tests use it (xattrs through setfattr/getfattr are the Linux stand-in for Finder
 * tags; macOS tests go through `xattr`, which ships with the OS).
 */
export const TOOLS = [
  { name: 'perl', why: 'exiftool-vendored runs ExifTool with it', debian: 'perl', brew: null },
  { name: 'exiv2', why: 'independent XMP reader in the writeback tests', debian: 'exiv2', brew: 'exiv2' },
  { name: 'exiftool', why: 'the tests edit photos and sidecars as a user\'s other tools do (a system ExifTool, not the one rawlight bundles)', debian: 'libimage-exiftool-perl', brew: 'exiftool' },
  { name: 'pgrep', why: 'counts the ExifTool processes a test leaves', debian: 'procps', brew: null, platforms: ['linux'] },
  { name: 'heif-convert', why: 'HEIC previews on Linux', debian: 'libheif-examples', brew: 'libheif', platforms: ['linux'] },
  { name: 'heif-enc', why: 'makes the HEIF burst the image-sequence test indexes', debian: 'libheif-examples', brew: 'libheif', platforms: ['linux'] },
  { name: 'djxl', why: 'JPEG XL decoding', debian: 'libjxl-tools', brew: 'jpeg-xl' },
  { name: 'opj_decompress', why: 'JPEG 2000 previews on Linux', debian: 'libopenjp2-tools', brew: 'openjpeg', platforms: ['linux'] },
  { name: 'opj_compress', why: 'makes the JPEG 2000 files the format tests index', debian: 'libopenjp2-tools', brew: 'openjpeg', platforms: ['linux'] },
  { name: 'avifdec', why: 'AVIF image sequences (animated AVIF) on Linux', debian: 'libavif-bin', brew: 'libavif', platforms: ['linux'] },
  { name: 'setfattr', why: 'xattr tests (Finder-tag stand-in)', debian: 'attr', brew: null, platforms: ['linux'] },
  { name: 'getfattr', why: 'xattr tests (Finder-tag stand-in)', debian: 'attr', brew: null, platforms: ['linux'] },
  { name: 'systemd-analyze', why: 'verifies the rendered systemd unit', debian: 'systemd', brew: null, platforms: ['linux'] },
  { name: 'script', why: 'runs the CLI on a pseudo-terminal (what a terminal is sent)', debian: 'bsdutils', brew: null, platforms: ['linux'] },
  { name: 'setpriv', why: 'runs a child without root\'s permission bypass (unreadable-folder tests)', debian: 'util-linux', brew: null, platforms: ['linux'] },
  { name: 'chromium', why: 'the status page in a real browser', debian: 'chromium', brew: 'chromium', cask: true, paths: ['/usr/bin/chromium', '/Applications/Chromium.app/Contents/MacOS/Chromium'] },
];

function onPath(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, cmd), constants.X_OK);
      return true;
    } catch {}
  }
  return false;
}

export function missingTools(platform = process.platform) {
  return TOOLS.filter((t) => !t.platforms || t.platforms.includes(platform)).filter((t) => (t.paths ? !t.paths.some((p) => existsSync(p)) : !onPath(t.name)));
}

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  return r.status === 0;
}

function isDebian() {
  return existsSync('/etc/debian_version') && (onPath('apt-get') || existsSync('/usr/bin/apt-get'));
}

/** Installs what it can; returns the one command line the user must run otherwise (or null). */
function install(missing) {
  const isRoot = process.getuid?.() === 0;
  if (process.platform === 'linux' && isDebian()) {
    const pkgs = [...new Set(missing.map((t) => t.debian))];
    const line = `apt-get install -y ${pkgs.join(' ')}`;
    if (!isRoot) return `sudo apt-get update && sudo ${line}`;
    console.error(`check-tools: installing ${pkgs.join(' ')} (apt-get)`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) && run('apt-get', ['install', '-y', '-qq', ...pkgs], env)) return null;
    return `apt-get update && ${line}`;
  }
  if (process.platform === 'darwin') {
    const formulas = [...new Set(missing.filter((t) => t.brew && !t.cask).map((t) => t.brew))];
    const casks = [...new Set(missing.filter((t) => t.brew && t.cask).map((t) => t.brew))];
    const cmds = [formulas.length ? `brew install ${formulas.join(' ')}` : '', casks.length ? `brew install --cask ${casks.join(' ')}` : ''].filter(Boolean);
    if (!onPath('brew')) return `install Homebrew (https://brew.sh), then: ${cmds.join(' && ')}`;
    if ((!formulas.length || run('brew', ['install', ...formulas])) && (!casks.length || run('brew', ['install', '--cask', ...casks]))) return null;
    return cmds.join(' && ');
  }
  return `install ${missing.map((t) => t.name).join(', ')} with your system's package manager`;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const checkOnly = process.argv.includes('--check');
  let missing = missingTools();
  if (missing.length && !checkOnly) {
    const line = install(missing);
    missing = missingTools();
    if (missing.length) {
      console.error(`check-tools: missing ${missing.map((t) => `${t.name} (${t.why})`).join(', ')}. ${line ? `Run: ${line}` : 'They were installed but are not on PATH; check PATH.'}`);
      process.exit(1);
    }
  } else if (missing.length) {
    console.error(`check-tools: missing ${missing.map((t) => t.name).join(', ')}`);
    process.exit(1);
  }
}
