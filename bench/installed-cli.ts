// The daemon and CLI as installed, for the benchmarks that run them as a user does.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Newest modification time of the .ts files under `dir`. */
function newestTs(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestTs(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The daemon as installed: `bin/rawlight` (the pinned Node on the compiled dist/cli/main.js, what
 * launchd and systemd start), built first when src/ is newer than dist/ (tsc, as `npm run build`).
 */
export function installedCli(): string {
  const root = path.join(import.meta.dirname, '..');
  const entry = path.join(root, 'dist', 'cli', 'main.js');
  let built = 0;
  try {
    built = statSync(entry).mtimeMs;
  } catch {
    /* not built */
  }
  if (built < newestTs(path.join(root, 'src'))) {
    console.log('building dist/ (the daemon runs compiled, as installed)…');
    execFileSync(process.execPath, [createRequire(import.meta.url).resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  }
  return path.join(root, 'bin', 'rawlight');
}
