import { createReadStream, existsSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsDir, type Config } from '../config/index.js';
import type { Places } from '../platform/places.js';
import { loadManifest, MODEL_ROLES, type Manifest, type ModelEntry, type ModelFileSpec, type ModelRole } from './manifest.js';

/** Per-role model pins from config (`models.<role>` = manifest id). */
export type ModelPins = Partial<Record<ModelRole, string | undefined>>;

export type FileState = 'ok' | 'missing' | 'size-mismatch';

export interface FileStatus {
  path: string;
  absPath: string;
  state: FileState;
  bytes: number | null;
  expectedBytes: number | null;
}

export type ModelState = 'ready' | 'missing' | 'invalid';

export interface ModelStatus {
  id: string;
  role: ModelRole;
  state: ModelState;
  files: FileStatus[];
}

/** A model whose files are all present (cheap check: exists + byte size). */
export interface ResolvedModel {
  id: string;
  role: ModelRole;
  entry: ModelEntry;
  /** Absolute paths, in manifest order. */
  files: string[];
  /** The first .onnx file: the one a single-network model runs. */
  onnxPath: string;
}

export interface RoleReport {
  role: ModelRole;
  /** ready: a model is chosen; missing: none installed; invalid: installed files are damaged or the pin is unknown. */
  state: ModelState;
  chosen: ResolvedModel | null;
  /** The id config pinned, if any (pins are honoured even for opt-in models, and never fall back). */
  pinned: string | null;
  licence: ModelEntry['licence'] | null;
  /** Why nothing is chosen and what to do; null when ready. */
  problem: string | null;
  howToGet: string | null;
  candidates: ModelStatus[];
}

export interface ModelRegistryOptions {
  modelsDir: string;
  pins?: ModelPins;
  manifest?: Manifest;
  /** Re-stat files at most this often (a model installed while the daemon runs is picked up). */
  recheckMs?: number;
  now?: () => number;
}

export interface VerifyResult {
  id: string;
  path: string;
  absPath: string;
  state: 'ok' | 'missing' | 'size-mismatch' | 'hash-mismatch' | 'unverifiable';
  detail: string;
}

/**
 * Knows which models exist (the manifest), which are installed in the models folder, and which one
 * each role uses. Never throws for a missing model: passes ask `resolve(role)` and wait on null.
 */
export class ModelRegistry {
  readonly modelsDir: string;
  readonly manifest: Manifest;
  private readonly pins: ModelPins;
  private readonly recheckMs: number;
  private readonly now: () => number;
  private cache: { at: number; reports: Map<ModelRole, RoleReport> } | null = null;

  constructor(opts: ModelRegistryOptions) {
    this.modelsDir = path.resolve(opts.modelsDir);
    this.manifest = opts.manifest ?? loadManifest();
    this.pins = opts.pins ?? {};
    this.recheckMs = opts.recheckMs ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  entry(id: string): ModelEntry | undefined {
    return this.manifest.models.find((m) => m.id === id);
  }

  /** The model a role uses now, or null (missing or damaged: the pass should wait). */
  resolve(role: ModelRole): ResolvedModel | null {
    return this.report(role).chosen;
  }

  report(role: ModelRole): RoleReport {
    return this.reports().get(role)!;
  }

  reports(): Map<ModelRole, RoleReport> {
    const t = this.now();
    if (!this.cache || t - this.cache.at >= this.recheckMs) {
      const reports = new Map<ModelRole, RoleReport>();
      for (const role of MODEL_ROLES) reports.set(role, this.computeReport(role));
      this.cache = { at: t, reports };
    }
    return this.cache.reports;
  }

  /** Forget cached file checks (after an install or a verify). */
  refresh(): void {
    this.cache = null;
  }

  /** Cheap check of one model's files: exists and byte size matches. */
  check(entry: ModelEntry): ModelStatus {
    const files = entry.files.map((f) => this.checkFile(f));
    const state: ModelState = files.every((f) => f.state === 'ok') ? 'ready' : files.some((f) => f.state === 'size-mismatch') ? 'invalid' : 'missing';
    return { id: entry.id, role: entry.role, state, files };
  }

  /** Full sha256 check of every file of the given models (default: every model with a file present). */
  async verify(ids?: string[]): Promise<VerifyResult[]> {
    const entries = ids ? ids.map((id) => this.entry(id)).filter((e): e is ModelEntry => !!e) : this.manifest.models;
    const out: VerifyResult[] = [];
    const seen = new Set<string>();
    for (const e of entries) {
      for (const f of e.files) {
        // Several models share a file (the CLIP vocab): check it once.
        const key = f.path;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(await verifyFile(this.modelsDir, e.id, f));
      }
    }
    this.refresh();
    return out;
  }

  private checkFile(f: ModelFileSpec): FileStatus {
    const absPath = modelFilePath(this.modelsDir, f);
    let bytes: number | null = null;
    try {
      const st = statSync(absPath);
      bytes = st.isFile() ? st.size : null;
    } catch {
      bytes = null;
    }
    const state: FileState = bytes === null ? 'missing' : f.bytes !== null && bytes !== f.bytes ? 'size-mismatch' : 'ok';
    return { path: f.path, absPath, state, bytes, expectedBytes: f.bytes };
  }

  private computeReport(role: ModelRole): RoleReport {
    const pinned = this.pins[role] ?? null;
    const order = this.manifest.preference[role];
    const entries = this.manifest.models.filter((m) => m.role === role);
    const ordered = [...order.map((id) => entries.find((e) => e.id === id)!), ...entries.filter((e) => !order.includes(e.id))];
    const base = { role, pinned, candidates: [] as ModelStatus[] };
    if (pinned) {
      const entry = this.entry(pinned);
      if (!entry || entry.role !== role) {
        return { ...base, state: 'invalid', chosen: null, licence: null, problem: `config models.${role} = "${pinned}" is not a ${role} model in the manifest (known: ${entries.map((e) => e.id).join(', ')})`, howToGet: `Set models.${role} to one of: ${entries.map((e) => e.id).join(', ')}, or remove it.` };
      }
      const st = this.check(entry);
      return {
        ...base,
        candidates: [st],
        state: st.state,
        chosen: st.state === 'ready' ? this.resolved(entry) : null,
        licence: entry.licence,
        problem: st.state === 'ready' ? null : describeProblem(st),
        howToGet: st.state === 'ready' ? null : this.howToGet([entry]),
      };
    }
    const auto = ordered.filter((e) => !e.optIn && !e.testOnly);
    const candidates = auto.map((e) => this.check(e));
    const ready = candidates.find((c) => c.state === 'ready');
    if (ready) {
      const entry = this.entry(ready.id)!;
      return { ...base, candidates, state: 'ready', chosen: this.resolved(entry), licence: entry.licence, problem: null, howToGet: null };
    }
    const damaged = candidates.filter((c) => c.state === 'invalid');
    return {
      ...base,
      candidates,
      state: damaged.length ? 'invalid' : 'missing',
      chosen: null,
      licence: null,
      problem: damaged.length ? damaged.map(describeProblem).join('; ') : `no ${role} model installed in ${this.modelsDir}`,
      howToGet: this.howToGet(auto),
    };
  }

  private howToGet(entries: ModelEntry[]): string {
    const fetchable = entries.filter((e) => e.fetch === 'default');
    const parts: string[] = [];
    if (fetchable.length) parts.push(`run ./install.sh (downloads ${fetchable.map((e) => e.id).join(', ')})`);
    for (const e of entries) if (e.fetch !== 'default' && e.how) parts.push(`${e.id}: ${e.how}`);
    parts.push(`or set RAWLIGHT_MODELS (or config modelsDir) to a folder holding one of: ${entries.map((e) => e.files.map((f) => f.path).join(' + ')).join(' | ')}`);
    return parts.join('; ');
  }

  private resolved(entry: ModelEntry): ResolvedModel {
    const files = entry.files.map((f) => modelFilePath(this.modelsDir, f));
    const onnxPath = files.find((f) => f.endsWith('.onnx')) ?? files[0]!;
    return { id: entry.id, role: entry.role, entry, files, onnxPath };
  }
}

function describeProblem(st: ModelStatus): string {
  const bad = st.files.filter((f) => f.state !== 'ok');
  return `${st.id}: ${bad.map((f) => (f.state === 'missing' ? `${f.path} missing` : `${f.path} is ${f.bytes} bytes, expected ${f.expectedBytes} (damaged or incomplete; delete it and reinstall)`)).join(', ')}`;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/**
 * Where a model file is: the models folder first (a user's own copy wins); else, for files an npm
 * dependency ships (the OCR models), inside that installed package.
 */
export function modelFilePath(modelsDir: string, f: ModelFileSpec): string {
  const local = path.join(modelsDir, f.path);
  if (!f.npm || existsSync(local)) return local;
  try {
    // Resolve the package's root through its own entry point (its exports hide package.json).
    let dir = path.dirname(fileURLToPath(import.meta.resolve(f.npm.specifier)));
    while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return path.join(dir, f.npm.path);
  } catch {
    return local;
  }
}

async function verifyFile(modelsDir: string, id: string, f: ModelFileSpec): Promise<VerifyResult> {
  const absPath = modelFilePath(modelsDir, f);
  const base = { id, path: f.path, absPath };
  let size: number;
  try {
    size = statSync(absPath).size;
  } catch {
    return { ...base, state: 'missing', detail: 'not installed' };
  }
  if (f.bytes !== null && size !== f.bytes) return { ...base, state: 'size-mismatch', detail: `${size} bytes, expected ${f.bytes}` };
  if (!f.sha256) return { ...base, state: 'unverifiable', detail: 'the manifest has no hash for this file' };
  const got = await sha256File(absPath);
  if (got !== f.sha256) return { ...base, state: 'hash-mismatch', detail: `sha256 ${got}, expected ${f.sha256}` };
  const note = f.evidence.sha256 === 'confirmed' ? '' : ` (expected hash is only ${f.evidence.sha256})`;
  return { ...base, state: 'ok', detail: `sha256 matches${note}` };
}

/** The registry for a loaded config: models folder from config/RAWLIGHT_MODELS, pins from `models.*`. */
export function createModelRegistry(cfg: Config, places: Places, opts: { manifest?: Manifest; recheckMs?: number } = {}): ModelRegistry {
  const pins: ModelPins = {};
  for (const role of MODEL_ROLES) {
    const id = cfg.models[role];
    if (id) pins[role] = id;
  }
  return new ModelRegistry({ modelsDir: modelsDir(cfg, places), pins, ...opts });
}
