import type { Logger } from 'pino';
import type { Config } from '../config/index.js';
import type { PipelineBus } from '../pipeline/events.js';
import type { Places } from '../platform/places.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { DuplicatesPort, ModelsPort, PeoplePort, PermissionsPort, SearchPort, UpkeepPort, WritebackPort } from './ports.js';

export interface WebDirs {
  pageDir: string;
  staticDir: string;
  builtDir: string;
}

/** What the daemon lets the API do; main.ts backs it with the pipeline, watcher and config file. */
export interface ApiControl {
  pause(): void | Promise<void>;
  resume(): void | Promise<void>;
  isPaused(): boolean;
  /** Current library folders (the frozen config is stale after an add/remove). */
  libraries(): readonly string[];
  /** Adds a folder, saves it to config.json and starts watching/scanning it. */
  addLibrary(dir: string): Promise<void>;
  removeLibrary(dir: string): Promise<void>;
  /** Work was queued through the database (writeback after a people change): start it now. */
  wake?(): void;
  /** Dead jobs back to pending: all, or one. Returns how many. */
  retryDead(jobId?: number): number;
  /** Watcher state for the status page (backend, folders watched, errors). */
  watchState?(): unknown;
  /** Every registered pass, so the status lists passes that have not run yet. */
  passNames?(): readonly string[];
  /**
   * `rawlight index DIR` while the daemon runs: walks the folders now (libraries or not, nothing
   * saved to config.json), their work queued ahead of the backlog. `passes`: the ones the caller
   * waits for (PASS_UNKNOWN for a name no pass has); what they read from is added.
   */
  index?(dirs: readonly string[], passes?: readonly string[]): Promise<IndexStarted>;
}

/** What a walk asked for through the API found, and which passes the caller waits for. */
export interface IndexStarted {
  roots: { root: string; state: string; seen: number; added: number; changed: number; moved: number; gone: number; unreadable: { path: string; why: string }[] }[];
  waitFor: string[];
}

export interface ApiDeps {
  /** GET routes read; changes go through `control` and the feature ports. */
  db: WritableDb;
  /**
   * A separate read-only connection for status and listings (WAL: a read never waits for, nor
   * delays, the pipeline's writes on `db`). Defaults to `db`.
   */
  readDb?: ReadableDb | undefined;
  places: Places;
  config: Config;
  /** Source of live events (SSE). */
  bus: PipelineBus;
  /** The API token (ensureToken), or a reader that follows `rawlight token rotate` (tokenReader). */
  token: string | (() => string);
  control: ApiControl;
  log: Logger;
  search?: SearchPort | undefined;
  people?: PeoplePort | undefined;
  writeback?: WritebackPort | undefined;
  models?: ModelsPort | undefined;
  permissions?: PermissionsPort | undefined;
  upkeep?: UpkeepPort | undefined;
  duplicates?: DuplicatesPort | undefined;
  /** "Show in Finder"; default: open -R / xdg-open through execFile. */
  reveal?: ((file: string) => Promise<{ revealed: boolean; how: string }>) | undefined;
  /** Page files: index.html, hand-written static files, compiled modules. Defaults: web/, web/static, dist/web. */
  web?: WebDirs | undefined;
  /** How long a status snapshot may be reused under load (ms); default 250. */
  statusCacheMs?: number | undefined;
  /** Open event streams allowed at once (default 64); past it, 429 + Retry-After. */
  sseMaxClients?: number | undefined;
}
