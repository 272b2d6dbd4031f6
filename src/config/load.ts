import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { DaemonError } from '../errors/index.js';
import type { Places } from '../platform/places.js';
import { ConfigSchema, type Config, type ConfigInput } from './schema.js';
import { nestedLibrariesProblem, resolveLibraryRoot } from './libraries.js';

export const CONFIG_FILE = 'config.json';

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}

/** Formats zod issues as "key.path: message" lines, naming every bad key. */
export function describeIssues(err: z.ZodError): string {
  return err.issues
    .map((i) => {
      const where = i.path.length ? i.path.join('.') : '(top level)';
      if (i.code === 'unrecognized_keys') return `${where}: unknown key(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}`;
      return `${where}: ${i.message}`;
    })
    .join('\n');
}

/** Validates raw config data; throws CONFIG_INVALID naming each bad key. Result is deep-frozen. */
export function parseConfig(raw: unknown, source = 'config'): Config {
  const res = ConfigSchema.safeParse(raw ?? {});
  if (!res.success) throw new DaemonError('CONFIG_INVALID', `${source}:\n${describeIssues(res.error)}`);
  const cfg = res.data;
  cfg.libraries = [...new Set(cfg.libraries.map((l) => resolveLibraryRoot(expandHome(l))))];
  const nested = nestedLibrariesProblem(cfg.libraries);
  if (nested) throw new DaemonError('CONFIG_INVALID', `${source}:\n${nested}`);
  if (cfg.modelsDir) cfg.modelsDir = path.resolve(expandHome(cfg.modelsDir));
  if (cfg.api.allowRemote === false && !isLoopback(cfg.api.host)) {
    throw new DaemonError('CONFIG_INVALID', `${source}:\napi.host: ${cfg.api.host} is not a loopback address; set api.allowRemote to true to bind it`);
  }
  return deepFreeze(cfg);
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export function configPath(places: Places): string {
  return path.join(places.configDir, CONFIG_FILE);
}

/** Reads the raw JSON (no validation); a missing file is an empty object. */
export function readConfigFile(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DaemonError('CONFIG_UNREADABLE', `${file}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('top level must be a JSON object');
    return v as Record<string, unknown>;
  } catch (e) {
    throw new DaemonError('CONFIG_INVALID', `${file}: not valid JSON (${(e as Error).message})`, { cause: e });
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Per-run overrides (CLI flags) merged over the file before validation. */
  overrides?: Partial<ConfigInput>;
}

/** Loads, validates and freezes the config. RAWLIGHT_MODELS overrides modelsDir. */
export function loadConfig(places: Places, opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const file = configPath(places);
  const raw: Record<string, unknown> = { ...readConfigFile(file), ...(opts.overrides ?? {}) };
  if (env.RAWLIGHT_MODELS) raw.modelsDir = env.RAWLIGHT_MODELS;
  return parseConfig(raw, file);
}

/** Atomically rewrites the config file (after validating the new content). */
export function saveConfigFile(places: Places, raw: Record<string, unknown>): void {
  parseConfig(raw, 'new config');
  const file = configPath(places);
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(raw, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

/** Where model files are looked for. */
export function modelsDir(cfg: Config, places: Places): string {
  return cfg.modelsDir ?? path.join(places.dataDir, 'models');
}
