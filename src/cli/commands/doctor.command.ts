import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configPath, loadConfig } from '../../config/index.js';
import { ExifReader } from '../../exiftool/reader.js';
import { DB_FILE, defaultMigrationsDir, openReadonlyDb } from '../../store/db.js';
import { listMigrations, schemaVersion } from '../../store/migrate.js';
import { printJson, type CliCommand, type CliEnv } from '../command.js';
import { platformDoctorProvider } from './agent.command.js';
import { decoderAvailability, type AvailabilityOptions } from '../../image/format-decoders.js';
import { createModelRegistry } from '../../ml/registry.js';
import { spotlightReport } from '../../xmp/index.js';
import { notWritable } from '../../platform/folder-writable.js';
import { networkVolumesOf } from '../../platform/network-volume.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

/** Checks of the spine: config, database, ExifTool, runtime, watch limits. */
export async function spineChecks(env: CliEnv): Promise<Check[]> {
  const checks: Check[] = [];
  try {
    const cfg = loadConfig(env.places, { env: env.env });
    checks.push({ name: 'config', ok: true, detail: `${configPath(env.places)} (${cfg.libraries.length} libraries)` });
    const servers = await networkVolumesOf(cfg.libraries).catch(() => []);
    for (const [i, lib] of cfg.libraries.entries()) {
      if (!existsSync(lib)) {
        checks.push({ name: `library ${lib}`, ok: false, detail: 'not reachable (unmounted drive or removed folder)', fix: 'mount the drive, or remove the folder from the config' });
        continue;
      }
      // Not faults, but what a user asking "why is no XMP written?" or "why does a photo from my
      // laptop appear late?" needs to read here.
      const notes = ['reachable'];
      const readOnly = notWritable(lib);
      if (readOnly) notes.push(`${readOnly.why}: XMP cannot be written there, so it waits (FOLDER_READ_ONLY), every value kept in the index`);
      const server = servers[i];
      if (server) notes.push(`on a file server (${server.fsType}, ${server.source}): walked every ${cfg.watch.networkRescanMinutes} min, as photos other computers add raise no event here`);
      checks.push({ name: `library ${lib}`, ok: true, detail: notes.join('; ') });
    }
  } catch (e) {
    checks.push({ name: 'config', ok: false, detail: (e as Error).message, fix: `fix ${configPath(env.places)}` });
  }
  const dbFile = path.join(env.places.dataDir, DB_FILE);
  if (!existsSync(dbFile)) {
    checks.push({ name: 'database', ok: true, detail: `not created yet (${dbFile})` });
  } else {
    try {
      const db = openReadonlyDb(dbFile);
      try {
        const integrity = db.pragma('integrity_check', { simple: true }) as string;
        const v = schemaVersion(db);
        const latest = listMigrations(defaultMigrationsDir()).at(-1)?.version ?? 0;
        checks.push({ name: 'database integrity', ok: integrity === 'ok', detail: `${dbFile}: ${integrity}`, ...(integrity === 'ok' ? {} : { fix: 'restore the latest backup from the backups folder' }) });
        checks.push({ name: 'schema version', ok: v === latest, detail: `${v} (this rawlight: ${latest})`, ...(v === latest ? {} : { fix: 'start the daemon once to migrate' }) });
      } finally {
        db.close();
      }
    } catch (e) {
      checks.push({ name: 'database', ok: false, detail: (e as Error).message });
    }
  }
  const exif = new ExifReader({ maxProcs: 1 });
  try {
    checks.push({ name: 'exiftool', ok: true, detail: `ExifTool ${await exif.version()}` });
  } catch (e) {
    checks.push({ name: 'exiftool', ok: false, detail: (e as Error).message, fix: 'reinstall with ./install.sh (exiftool-vendored ships ExifTool; it needs perl)' });
  } finally {
    await exif.end();
  }
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'runtime', ok: major >= 24, detail: `Node ${process.versions.node} at ${process.execPath}`, ...(major >= 24 ? {} : { fix: 'run through bin/rawlight (the pinned Node 24)' }) });
  if (process.platform === 'linux') {
    try {
      const max = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
      checks.push({ name: 'inotify watches', ok: max >= 8192, detail: `max_user_watches = ${max} (one per library folder)`, ...(max >= 8192 ? {} : { fix: 'sudo sysctl fs.inotify.max_user_watches=524288' }) });
    } catch {
      /* not Linux proc */
    }
  }
  return checks;
}

/** Extra check providers (agent, permissions, models, disk): each returns its checks. */
/** Each model role: chosen model and licence, or what is missing and how to get it. */
async function modelChecks(env: CliEnv): Promise<Check[]> {
  const cfg = loadConfig(env.places, { env: env.env });
  const registry = createModelRegistry(cfg, env.places);
  return [...registry.reports().values()].map((r) => {
    // CLIP is optional (search falls back to tags and names); the other roles have defaults.
    const optional = r.role === 'clip';
    const ok = r.state === 'ready' || (optional && r.state === 'missing');
    return {
      name: `model ${r.role}`,
      ok,
      detail: r.state === 'ready' ? `${r.chosen!.id}${r.licence ? ` (licence: ${r.licence.name}${r.licence.commercial ? '' : ', non-commercial'})` : ''}` : `${r.state}: ${r.problem ?? ''}`,
      ...(r.howToGet ? { fix: r.howToGet } : {}),
    };
  });
}

/**
 * The decoder each format only a platform tool opens gets here (HEIC, AVIF sequences, JPEG XL,
 * JPEG 2000). One missing is not a fault of the install (no such photos, no need), so the check
 * stays ok and says what those photos get and what to install.
 */
export async function decoderChecks(o: AvailabilityOptions = {}): Promise<Check[]> {
  return decoderAvailability(o).map((d) => ({ name: `decoder ${d.format}`, ok: true, detail: d.detail }));
}

export const doctorProviders: ((env: CliEnv) => Promise<Check[]>)[] = [modelChecks, () => decoderChecks(), platformDoctorProvider];

export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'Check database, ExifTool, runtime, models, decoders, permissions, agent; non-zero exit when something is wrong',
  usage: 'rawlight doctor [--json] [--spotlight FILE]',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false }, spotlight: { type: 'string' } }, allowPositionals: false });
    if (values.spotlight) return spotlightDoctor(path.resolve(values.spotlight), values.json === true, env);
    const checks = await spineChecks(env);
    for (const p of doctorProviders) {
      try {
        checks.push(...(await p(env)));
      } catch (e) {
        checks.push({ name: 'doctor', ok: false, detail: `a check failed to run: ${(e as Error).message}` });
      }
    }
    const ok = checks.every((c) => c.ok);
    if (values.json) printJson(env.io, { ok, checks });
    else {
      for (const c of checks) env.io.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}: ${c.detail}${c.fix && !c.ok ? `\n        fix: ${c.fix}` : ''}\n`);
    }
    return ok ? 0 : 1;
  },
};

/** `doctor --spotlight FILE`: what Spotlight's index holds for a photo next to what rawlight set. */
async function spotlightDoctor(file: string, json: boolean, env: CliEnv): Promise<number> {
  const dbFile = path.join(env.places.dataDir, DB_FILE);
  const db = existsSync(dbFile) ? openReadonlyDb(dbFile) : null;
  try {
    const r = await spotlightReport(file, { ...(db ? { db } : {}), env: env.env });
    if (json) printJson(env.io, r);
    else {
      env.io.stdout.write(`${r.path}\n  rawlight set:   ${r.written ? JSON.stringify(r.written) : '(nothing)'}\n`);
      env.io.stdout.write(`  Spotlight has: ${r.indexed ? `keywords ${JSON.stringify(r.indexed.keywords)}, tags ${JSON.stringify(r.indexed.userTags)}` : '(not available)'}\n`);
      if (r.missing.length) env.io.stdout.write(`  not indexed yet: ${r.missing.join(', ')}\n`);
      env.io.stdout.write(`  ${r.note}\n`);
    }
    return r.missing.length ? 1 : 0;
  } finally {
    db?.close();
  }
}
