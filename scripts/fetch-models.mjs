#!/usr/bin/env node
// Downloads the default production models named in models/manifest.json into the models folder.
// Run by install.sh with the project's own node. Every download goes to a temp file, is checked
// (byte size, then sha256) and only then renamed into place; a mismatch deletes the file.
// Offline or blocked: says what is missing and how to get it, and exits 0 unless --strict.
//
//   node scripts/fetch-models.mjs [--dir DIR] [--manifest FILE] [--model ID ...] [--allow-unverified] [--strict]
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');

/** The models folder the daemon uses when config has no modelsDir (see src/config/load.ts). */
export function defaultModelsDir(env = process.env, platform = process.platform, home = os.homedir()) {
  if (env.RAWLIGHT_MODELS) return path.resolve(env.RAWLIGHT_MODELS);
  if (env.RAWLIGHT_HOME) return path.join(path.resolve(env.RAWLIGHT_HOME), 'models');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'rawlight', 'models');
  const data = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(data, 'rawlight', 'models');
}

async function sha256File(file) {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk);
  return h.digest('hex');
}

/** True when a file is already in place with the expected size and hash. */
async function alreadyOk(abs, spec) {
  if (!existsSync(abs)) return false;
  if (spec.bytes !== null && statSync(abs).size !== spec.bytes) return false;
  return spec.sha256 ? (await sha256File(abs)) === spec.sha256 : true;
}

/**
 * Downloads one URL to `dest` via a temp file; checks size and sha256 before the rename.
 * Returns { ok: true } or { ok: false, reason }.
 */
export async function downloadVerified(url, dest, spec, { fetchImpl = fetch, timeoutMs = 600_000 } = {}) {
  mkdirSync(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.part-${process.pid}`;
  try {
    const res = await fetchImpl(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok || !res.body) return { ok: false, reason: `HTTP ${res.status}` };
    const out = createWriteStream(tmp);
    const h = createHash('sha256');
    let bytes = 0;
    for await (const chunk of res.body) {
      h.update(chunk);
      bytes += chunk.length;
      if (spec.bytes !== null && bytes > spec.bytes) break; // no point reading past the expected size
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    }
    await new Promise((resolve, reject) => out.end((e) => (e ? reject(e) : resolve())));
    if (spec.bytes !== null && bytes !== spec.bytes) {
      rmSync(tmp, { force: true });
      return { ok: false, reason: `size mismatch: got ${bytes}${bytes > spec.bytes ? '+' : ''} bytes, expected ${spec.bytes}; deleted` };
    }
    const got = h.digest('hex');
    if (spec.sha256 && got !== spec.sha256) {
      rmSync(tmp, { force: true });
      return { ok: false, reason: `sha256 mismatch: got ${got}, expected ${spec.sha256}; deleted` };
    }
    renameSync(tmp, dest);
    return { ok: true };
  } catch (e) {
    rmSync(tmp, { force: true });
    return { ok: false, reason: e?.name === 'TimeoutError' ? 'timed out' : (e?.cause?.code ?? e?.message ?? String(e)) };
  }
}

/** Whether a file's expected hash may be trusted for an unattended download. */
function verifiable(spec, allowUnverified) {
  if (!spec.sha256) return allowUnverified ? 'size-only' : false;
  return spec.evidence.sha256 === 'confirmed' || allowUnverified;
}

export async function fetchModels(opts) {
  const { manifest, dir, ids, allowUnverified = false, log = (s) => process.stdout.write(s + '\n'), fetchImpl } = opts;
  const wanted = ids?.length ? manifest.models.filter((m) => ids.includes(m.id)) : manifest.models.filter((m) => m.fetch === 'default');
  for (const id of ids ?? []) if (!manifest.models.some((m) => m.id === id)) log(`? ${id}: not in the manifest`);
  const report = { installed: [], present: [], failed: [], refused: [] };
  const done = new Set();
  for (const m of wanted) {
    log(`${m.id} (${m.role}) — licence: ${m.licence.name}${m.licence.commercial ? '' : ' — NOT FOR COMMERCIAL USE'}${m.testOnly ? ' — TEST ONLY' : ''}`);
    for (const f of m.files) {
      if (done.has(f.path)) continue;
      done.add(f.path);
      const abs = path.join(dir, f.path);
      if (await alreadyOk(abs, f)) {
        report.present.push(f.path);
        log(`  ok       ${f.path}`);
        continue;
      }
      if (!verifiable(f, allowUnverified)) {
        report.refused.push(f.path);
        log(`  refused  ${f.path}: its sha256 is only ${f.evidence.sha256} (${f.evidence.note}); rerun with --allow-unverified to accept it`);
        continue;
      }
      if (!f.urls.length) {
        report.failed.push(f.path);
        log(`  missing  ${f.path}: no download URL. ${m.how ?? ''}`);
        continue;
      }
      let ok = false;
      for (const url of f.urls) {
        log(`  get      ${f.path} <- ${url}`);
        const r = await downloadVerified(url, abs, f, fetchImpl ? { fetchImpl } : {});
        if (r.ok) {
          ok = true;
          break;
        }
        log(`           failed: ${r.reason}`);
      }
      if (ok) {
        report.installed.push(f.path);
        log(`  verified ${f.path}`);
      } else {
        report.failed.push(f.path);
        log(`  missing  ${f.path}: every source failed. Download it yourself (URLs in models/manifest.json), or set RAWLIGHT_MODELS to a folder that has it.`);
      }
    }
  }
  return report;
}

async function main() {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      manifest: { type: 'string', default: path.join(root, 'models', 'manifest.json') },
      model: { type: 'string', multiple: true },
      'allow-unverified': { type: 'boolean', default: false },
      strict: { type: 'boolean', default: false },
    },
  });
  const manifest = JSON.parse(readFileSync(values.manifest, 'utf8'));
  const dir = path.resolve(values.dir ?? defaultModelsDir());
  process.stdout.write(`models folder: ${dir}\n`);
  const r = await fetchModels({ manifest, dir, ids: values.model, allowUnverified: values['allow-unverified'] });
  const problems = r.failed.length + r.refused.length;
  process.stdout.write(`\n${r.installed.length} downloaded, ${r.present.length} already present, ${r.failed.length} missing, ${r.refused.length} refused (unverified).\n`);
  if (problems) process.stdout.write('rawlight still runs without them: passes that need a missing model wait (see `rawlight models`).\n');
  return problems && values.strict ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exitCode = await main();
}
