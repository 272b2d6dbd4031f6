import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DefaultExifToolOptions, DefaultExiftoolArgs, ExifTool, type Tags } from 'exiftool-vendored';
import { ReadTaskOptionFields, type ReadTaskOptions } from 'exiftool-vendored/dist/ReadTask.js';
import { DaemonError, isDaemonError } from '../errors/index.js';
import { BatchReadTask, readTaskFor, type BatchReadResult } from './batch-read-task.js';
import { METADATA_TAGS } from './metadata-tags.js';
import { BROTLI_WARNING, decompressJxlBoxes } from './jxl-boxes.js';
import { EmbeddedImagesTask, type EmbeddedImages } from './embedded-images-task.js';
import { parkExifTool } from './park.js';
import { sayable, withSayablePaths } from './argument-path.js';

export interface ReaderOptions {
  /** ExifTool processes in the read pool. */
  maxProcs?: number;
  taskTimeoutMillis?: number;
  /** Most files one ExifTool command reads (1 = one command per file). */
  maxBatch?: number;
  /** Tags to read (default METADATA_TAGS); null = every tag (`-all`). */
  tags?: readonly string[] | null;
  /**
   * The ExifTool config file the pool's processes load (default READ_POOL_CONFIG); null = ExifTool's
   * own choice (the user's ~/.ExifTool_config, if any): tests and the bench compare the two.
   */
  config?: string | null;
}

/**
 * The read pool's ExifTool config: skips ExifTool's scan for requested tags a file does not have
 * (see the file). Beside this module in src/, also when run from dist/ (like the migrations).
 */
export const READ_POOL_CONFIG = path.resolve(import.meta.dirname, '..', '..', 'src', 'exiftool', 'read-pool.config');

/**
 * The shortcut the read-pool config defines for the tags read, from the `RAWLIGHT_READ_TAGS`
 * variable the pool starts its processes with: each command then names it instead of ~90 tags,
 * which ExifTool parsed and expanded anew for every command (~7 % of its CPU on our reads).
 */
export const READ_TAGS_SHORTCUT = 'RawlightRead';

interface Waiter {
  file: string;
  resolve: (t: Tags) => void;
  reject: (e: unknown) => void;
}

/** ExifTool's messages mapped to our codes (a read of one file). */
function toReadError(e: unknown): DaemonError {
  if (isDaemonError(e)) return e;
  const msg = (e as Error)?.message ?? String(e);
  if (/ENOENT|File not found/i.test(msg)) return new DaemonError('FILE_NOT_FOUND', undefined, { cause: e });
  if (/permission denied|EACCES/i.test(msg)) return new DaemonError('FILE_PERMISSION_DENIED', undefined, { cause: e });
  if (/timed? ?out/i.test(msg)) return new DaemonError('METADATA_UNREADABLE', `ExifTool timed out`, { cause: e });
  return new DaemonError('METADATA_UNREADABLE', msg.split('\n')[0], { cause: e });
}

/**
 * The one read pool of ExifTool processes (separate from the XMP writer, so a slow write never
 * blocks indexing). Built by main.ts, handed to the passes, ended on shutdown.
 *
 * Concurrent read() calls are coalesced into one ExifTool command over several files: each command
 * costs ExifTool and exiftool-vendored a fixed overhead about as large as reading a JPEG. Reads
 * start at once while a process is free; those arriving while all are busy wait and go together.
 * Anything a batch cannot answer for sure (a vanished file, a stderr message, a timeout, a crash)
 * is read again on its own, so one bad file never fails or changes its neighbours' results.
 */
export class ExifReader {
  readonly et: ExifTool;
  private readonly maxProcs: number;
  private readonly maxBatch: number;
  /** The options every read task is built with (tests build the same tasks). */
  readonly readOptions: ReadTaskOptions;
  /** The tags read (undefined: every tag). */
  readonly tags: readonly string[] | undefined;
  /** The tag names each read command carries: `tags`, or the config's shortcut for them. */
  readonly requested: readonly string[] | undefined;
  /** The ExifTool config file the processes load (null: none of ours). */
  readonly config: string | null;
  private queue: Waiter[] = [];
  private inflight = 0;
  private pumpScheduled = false;
  private embeddedQueue = new Map<string, { file: string; resolve: (m: EmbeddedImages) => void }[]>();
  private embeddedScheduled = false;
  /** Counters for benchmarks and tests. */
  readonly stats = { batches: 0, batchedFiles: 0, singles: 0, embeddedCommands: 0, readMs: 0 };

  constructor(opts: ReaderOptions = {}) {
    // One per core: metadata reads are mostly ExifTool CPU time, and the I/O workers feed it.
    this.maxProcs = opts.maxProcs ?? Math.max(1, Math.min(4, os.cpus().length));
    this.maxBatch = Math.max(1, opts.maxBatch ?? 8);
    this.tags = opts.tags === null ? undefined : (opts.tags ?? METADATA_TAGS);
    const config = opts.config === null ? null : (opts.config ?? READ_POOL_CONFIG);
    this.config = config && existsSync(config) ? config : null;
    // The shortcut only with our config, which defines it (a missing config: the list itself).
    const shortcut = this.config !== null && this.tags !== undefined;
    this.requested = shortcut ? [READ_TAGS_SHORTCUT] : this.tags;
    this.et = new ExifTool({
      maxProcs: this.maxProcs,
      taskTimeoutMillis: opts.taskTimeoutMillis ?? 30_000,
      // batch-cluster waits 1.5 s between spawns by default: an import then reads on one process
      // for its first seconds while the other cores idle (a perl start is ~0.2 s of CPU).
      minDelayBetweenSpawnMillis: 100,
      // `-config` must come first on ExifTool's command line, before `-stay_open True -@ -`. A
      // missing file (a damaged install) makes ExifTool complain at every start, which the pool
      // takes for a failed start: then ExifTool's own lookup reads the same values, only slower.
      ...(this.config ? { exiftoolArgs: ['-config', this.config, ...DefaultExiftoolArgs] } : {}),
      ...(shortcut ? { exiftoolEnv: { RAWLIGHT_READ_TAGS: this.tags!.join(' ') } } : {}),
      // -fast: no scan to the end of JPEGs for trailers (metadata we use is never there; previews
      // are extracted separately with -b). LargeFileSupport: RAW/video containers over 2 GB.
      // Filter=0 replaces exiftool-vendored's per-value UTF-8 repair filter (a Perl eval per tag,
      // ~40% of ExifTool's time on a JPEG); ExifTool's JSON writer still repairs invalid UTF-8.
      readArgs: ['-fast', '-api', 'LargeFileSupport=1', '-api', 'Filter=0'],
      ignoreZeroZeroLatLon: true,
      useMWG: true,
      // The library asks for `-*Duration*#`: a wildcard ExifTool matches against every tag of the
      // file, ~12% of its time on a photo. No listed tag is a duration; an `-all` read keeps it.
      // FocalLength as its number: printed, ExifTool rounds it to a tenth (an iPhone 7's 3.99 mm
      // reads "4.0 mm"), as Immich found too.
      numericTags: [...(this.tags ? DefaultExifToolOptions.numericTags.filter((t) => t !== '*Duration*') : DefaultExifToolOptions.numericTags), 'FocalLength'],
    });
    const o = this.et.options as unknown as Record<string, unknown>;
    this.readOptions = Object.fromEntries(ReadTaskOptionFields.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as ReadTaskOptions;
  }

  /**
   * The file's tags, as `et.read()` gives them; failures are DaemonErrors. An abort cancels a read
   * still waiting for its batch (ExifTool never sees it); one already sent is left to finish for its
   * batch-mates, and this caller stops waiting for it.
   */
  async read(file: string, signal?: AbortSignal): Promise<Tags> {
    if (!sayable(file)) {
      return withSayablePaths([file], async ([link]) => {
        const tags = await this.read(link!, signal);
        tags.SourceFile = file; // named as the file itself: the link is ours, and gone once read
        return tags;
      });
    }
    const tags = await this.readQueued(file, signal);
    const warning = (tags as Record<string, unknown>).Warning;
    return typeof warning === 'string' && BROTLI_WARNING.test(warning) ? this.readDecompressed(file, tags, signal) : tags;
  }

  /**
   * A JPEG XL whose Exif and XMP cjxl stored Brotli-compressed: read again from a copy with those
   * boxes decompressed (jxl-boxes.ts), so its camera, date and GPS are not lost. The first read
   * stands when the copy cannot be made (the warning then says why the metadata is missing).
   */
  private async readDecompressed(file: string, first: Tags, signal?: AbortSignal): Promise<Tags> {
    let dir: string | undefined;
    try {
      let copy: string;
      try {
        dir = await mkdtemp(path.join(os.tmpdir(), 'rawlight-jxl-'));
        copy = path.join(dir, path.basename(file));
        if ((await decompressJxlBoxes(file, copy)) === 0) return first;
      } catch {
        return first; // a full disk, a bad box or a broken Brotli stream: the first read stands
      }
      const tags = await this.readQueued(copy, signal);
      // Named as the file itself: the copy is ours, and gone once read.
      if (first.SourceFile !== undefined) tags.SourceFile = first.SourceFile;
      return tags;
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  private async readQueued(file: string, signal?: AbortSignal): Promise<Tags> {
    try {
      return await new Promise<Tags>((resolve, reject) => {
        const aborted = () => new DaemonError('PASS_TIMEOUT', `metadata read of ${path.basename(file)} cancelled`);
        if (signal?.aborted) return reject(aborted());
        const w: Waiter = { file: path.resolve(file), resolve, reject };
        if (signal) {
          const onAbort = () => {
            const i = this.queue.indexOf(w);
            if (i >= 0) this.queue.splice(i, 1);
            reject(aborted());
          };
          signal.addEventListener('abort', onAbort, { once: true });
          w.resolve = (t) => (signal.removeEventListener('abort', onAbort), resolve(t));
          w.reject = (e) => (signal.removeEventListener('abort', onAbort), reject(e));
        }
        this.queue.push(w);
        this.schedulePump();
      });
    } catch (e) {
      throw toReadError(e);
    }
  }

  /**
   * Every one of `tags` the file embeds, extracted in one ExifTool command (never rejects: a file
   * ExifTool cannot read simply has none). Requests made in the same tick share a command.
   */
  embeddedImages(file: string, tags: readonly string[]): Promise<EmbeddedImages> {
    if (!sayable(file)) return withSayablePaths([file], ([link]) => this.embeddedImages(link!, tags)).catch(() => new Map());
    const key = tags.join(',');
    return new Promise((resolve) => {
      const list = this.embeddedQueue.get(key) ?? [];
      list.push({ file: path.resolve(file), resolve });
      this.embeddedQueue.set(key, list);
      if (this.embeddedScheduled) return;
      this.embeddedScheduled = true;
      setImmediate(() => {
        this.embeddedScheduled = false;
        const queued = this.embeddedQueue;
        this.embeddedQueue = new Map();
        // At most 4 files a command: a full-size JpgFromRaw travels base64-coded (~10 MB a file).
        const per = Math.min(this.maxBatch, 4);
        for (const [k, waiters] of queued) {
          for (let i = 0; i < waiters.length; i += per) void this.extractEmbedded(k.split(','), waiters.slice(i, i + per));
        }
      });
    });
  }

  private async extractEmbedded(tags: string[], waiters: { file: string; resolve: (m: EmbeddedImages) => void }[]): Promise<void> {
    const files = [...new Set(waiters.map((w) => w.file))];
    const run = async (fs: string[]) => {
      this.stats.embeddedCommands++;
      return this.et.enqueueTask(() => EmbeddedImagesTask.for(fs, tags), false);
    };
    let results: Map<string, EmbeddedImages> | null = null;
    try {
      results = await run(files);
    } catch {
      // One unreadable file must not cost its neighbours their previews: each on its own.
      if (files.length > 1) {
        results = new Map();
        for (const f of files) results.set(f, (await run([f]).catch(() => null))?.get(f) ?? new Map());
      }
    }
    for (const w of waiters) w.resolve(results?.get(w.file) ?? new Map());
  }

  version(): Promise<string> {
    return this.et.version();
  }

  end(): Promise<void> {
    return this.et.end();
  }

  /** Ends ExifTool's idle processes (see park.ts); false while reads wait or run. */
  park(): Promise<boolean> {
    if (this.inflight > 0 || this.queue.length > 0 || this.embeddedQueue.size > 0) return Promise.resolve(false);
    return parkExifTool(this.et);
  }

  // After the current tick, so reads issued together (a photo and its sidecar) share a command.
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    // A full batch goes even when every process is busy (ExifTool queues it), so no read waits on
    // more than one batch ahead of it; a partial one waits for a free process and grows meanwhile.
    while (this.queue.length > 0 && (this.inflight < this.maxProcs || this.queue.length >= this.maxBatch)) {
      const free = Math.max(1, this.maxProcs - this.inflight);
      const size = Math.min(this.maxBatch, Math.ceil(this.queue.length / free));
      const batch = this.queue.splice(0, size);
      this.inflight++;
      const t0 = performance.now();
      void this.runBatch(batch).finally(() => {
        this.stats.readMs += performance.now() - t0;
        this.inflight--;
        this.pump();
      });
    }
  }

  private async runBatch(batch: Waiter[]): Promise<void> {
    const files = [...new Set(batch.map((w) => w.file))];
    let results: BatchReadResult | undefined;
    if (files.length > 1) {
      const task = BatchReadTask.for(files, this.readOptions, this.requested);
      if (task) {
        try {
          // Not retried as a batch: on any failure each file is read on its own below.
          results = await this.et.enqueueTask(() => task, false);
          this.stats.batches++;
        } catch {
          results = undefined;
        }
      }
    }
    const singles = new Map<string, Promise<Tags>>();
    await Promise.all(
      batch.map(async (w) => {
        const tags = results?.get(w.file);
        if (tags) {
          this.stats.batchedFiles++;
          w.resolve(tags);
          return;
        }
        let p = singles.get(w.file);
        if (!p) {
          this.stats.singles++;
          p = this.et.enqueueTask(() => readTaskFor(w.file, this.readOptions, this.requested));
          singles.set(w.file, p);
        }
        try {
          w.resolve(await p);
        } catch (e) {
          w.reject(e);
        }
      }),
    );
  }
}
