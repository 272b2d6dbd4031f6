import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import bplistCreator from 'bplist-creator';
import { parseBuffer } from 'bplist-parser';
import { parse as parsePlist } from 'plist';
import type { Logger } from 'pino';
import type { ReadableDb } from '../store/db.js';

const run = promisify(execFile);

export const KEYWORDS_XATTR = 'com.apple.metadata:kMDItemKeywords';
export const USER_TAGS_XATTR = 'com.apple.metadata:_kMDItemUserTags';

/** What rawlight last put into a photo's Spotlight xattrs (kept in xmp_state.spotlight). */
export interface SpotlightRecord {
  keywords: string[];
  /** Finder tag entries ("Name\n0"). */
  userTags: string[];
}

export interface SpotlightOptions {
  /** config.xmp.spotlight */
  enabled: boolean;
  /** config.xmp.finderTags: also mirror people as Finder tags. */
  finderTags: boolean;
  platform?: NodeJS.Platform;
  /** Environment for the xattr/mdimport/mdls commands (PATH). */
  env?: NodeJS.ProcessEnv;
  /** mdimport runs once per batch, this long after the last touched photo (0 = only on flush()). */
  batchDelayMs?: number;
  log?: Logger;
}

/** Encodes a string array as a binary plist, hex (the form `xattr -wx` takes). */
export function plistHex(values: readonly string[]): string {
  return bplistCreator([...values]).toString('hex');
}

/** Decodes `xattr -px` output (hex bytes, whitespace anywhere) into a string array. */
export function decodeHexPlist(hex: string): string[] {
  const clean = hex.replace(/\s+/g, '');
  if (!clean) return [];
  const parsed = parseBuffer(Buffer.from(clean, 'hex'))[0] as unknown;
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

function same(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Spotlight does not attribute an XMP sidecar to the RAW beside it, but it indexes the
 * `com.apple.metadata:` xattrs of any file, and setting them changes no byte of the photo. So on
 * macOS, after a write, the photo gets kMDItemKeywords (keywords, people, places) and optionally
 * Finder tags for people, merged with what others put there; then `mdimport` once per batch.
 * These xattrs are a rebuildable cache of the database. Elsewhere the adapter does nothing.
 */
export class SpotlightAdapter {
  readonly #opts: SpotlightOptions;
  readonly #platform: NodeJS.Platform;
  readonly #touched = new Set<string>();
  #timer: NodeJS.Timeout | undefined;

  constructor(opts: SpotlightOptions) {
    this.#opts = opts;
    this.#platform = opts.platform ?? process.platform;
  }

  get active(): boolean {
    return this.#opts.enabled && this.#platform === 'darwin';
  }

  /** One line for `doctor`. */
  describe(): string {
    if (this.#platform !== 'darwin') return `Spotlight: not available on ${this.#platform}; keywords are in XMP only (nothing set as xattrs)`;
    if (!this.#opts.enabled) return 'Spotlight: off (xmp.spotlight is false)';
    return `Spotlight: kMDItemKeywords xattrs${this.#opts.finderTags ? ' and Finder tags for people' : ''}, mdimport after each batch`;
  }

  async #exec(cmd: string, args: string[]): Promise<string> {
    const { stdout } = await run(cmd, args, { env: this.#opts.env ?? process.env, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  async #readList(name: string, file: string): Promise<string[]> {
    try {
      return decodeHexPlist(await this.#exec('xattr', ['-px', name, file]));
    } catch {
      return []; // no such attribute
    }
  }

  async #writeList(name: string, file: string, values: string[]): Promise<void> {
    if (values.length === 0) {
      await this.#exec('xattr', ['-d', name, file]).catch(() => undefined);
    } else {
      await this.#exec('xattr', ['-wx', name, plistHex(values), file]);
    }
  }

  /**
   * Sets the photo's Spotlight xattrs to hold `keywords` (and Finder tags for `people`), keeping
   * any values other apps put there and dropping only what rawlight set before (`previous`).
   * Returns what rawlight now holds there, or null when the adapter is inactive.
   */
  async update(photo: string, values: { keywords: readonly string[]; people: readonly string[] }, previous: SpotlightRecord | null): Promise<SpotlightRecord | null> {
    if (!this.active) return null;
    const prevKw = new Set(previous?.keywords ?? []);
    const existing = await this.#readList(KEYWORDS_XATTR, photo);
    const keywords = [...new Set(values.keywords)];
    const next = [...new Set([...existing.filter((k) => !prevKw.has(k) || keywords.includes(k)), ...keywords])];
    let changed = false;
    if (!same(existing, next)) {
      await this.#writeList(KEYWORDS_XATTR, photo, next);
      changed = true;
    }
    let userTags: string[] = [];
    if (this.#opts.finderTags || (previous?.userTags.length ?? 0) > 0) {
      const ours = this.#opts.finderTags ? [...new Set(values.people)].map((n) => `${n}\n0`) : [];
      const prevNames = new Set((previous?.userTags ?? []).map((t) => t.split('\n')[0]));
      const oursNames = new Set(ours.map((t) => t.split('\n')[0]));
      const existingTags = await this.#readList(USER_TAGS_XATTR, photo);
      const kept = existingTags.filter((t) => {
        const n = t.split('\n')[0];
        return !prevNames.has(n) && !oursNames.has(n);
      });
      const nextTags = [...kept, ...ours];
      if (!same(existingTags, nextTags)) {
        await this.#writeList(USER_TAGS_XATTR, photo, nextTags);
        changed = true;
      }
      userTags = ours;
    }
    if (changed) this.#touch(photo);
    return { keywords, userTags };
  }

  #touch(photo: string): void {
    this.#touched.add(photo);
    const delay = this.#opts.batchDelayMs ?? 0;
    if (delay > 0 && !this.#timer) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush().catch((e: unknown) => this.#opts.log?.warn({ err: e }, 'mdimport failed'));
      }, delay);
      this.#timer.unref();
    }
  }

  /** Runs `mdimport` once on every photo touched since the last flush; returns those paths. */
  async flush(): Promise<string[]> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const paths = [...this.#touched];
    this.#touched.clear();
    if (paths.length === 0 || !this.active) return [];
    await this.#exec('mdimport', paths);
    return paths;
  }

  async close(): Promise<void> {
    await this.flush();
  }
}

export function createSpotlight(opts: SpotlightOptions): SpotlightAdapter {
  return new SpotlightAdapter(opts);
}

export interface SpotlightReport {
  path: string;
  platform: NodeJS.Platform;
  available: boolean;
  /** What Spotlight's index holds (mdls), null when not available. */
  indexed: { keywords: string[]; userTags: string[] } | null;
  /** What rawlight last set, from the database. */
  written: SpotlightRecord | null;
  /** Keywords rawlight set that the index does not show (yet). */
  missing: string[];
  note: string;
}

function mdlsValues(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * For `rawlight doctor --spotlight FILE`: what Spotlight's index holds for the photo next to what
 * rawlight wrote. On macOS runs `mdls -plist - -name kMDItemKeywords -name kMDItemUserTags`.
 */
export async function spotlightReport(
  photo: string,
  opts: { db?: ReadableDb; platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {},
): Promise<SpotlightReport> {
  const platform = opts.platform ?? process.platform;
  let written: SpotlightRecord | null = null;
  if (opts.db) {
    const row = opts.db
      .prepare('SELECT s.spotlight FROM xmp_state s JOIN files f ON f.id = s.file_id WHERE f.path = ?')
      .get(photo) as { spotlight: string | null } | undefined;
    if (row?.spotlight) written = JSON.parse(row.spotlight) as SpotlightRecord;
  }
  if (platform !== 'darwin') {
    return { path: photo, platform, available: false, indexed: null, written, missing: [], note: `Spotlight is macOS only; on ${platform} rawlight sets no xattrs (keywords live in XMP)` };
  }
  const { stdout } = await run('mdls', ['-plist', '-', '-name', 'kMDItemKeywords', '-name', 'kMDItemUserTags', photo], { env: opts.env ?? process.env });
  const parsed = parsePlist(stdout) as Record<string, unknown>;
  const indexed = { keywords: mdlsValues(parsed.kMDItemKeywords), userTags: mdlsValues(parsed.kMDItemUserTags) };
  const missing = (written?.keywords ?? []).filter((k) => !indexed.keywords.includes(k));
  const note = missing.length ? `${missing.length} keyword(s) not indexed yet; mdimport may still be pending` : 'index matches what rawlight wrote';
  return { path: photo, platform, available: true, indexed, written, missing, note };
}
