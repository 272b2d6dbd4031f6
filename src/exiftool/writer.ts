import { existsSync, rmSync, statSync } from 'node:fs';
import { ExifTool, ExifToolTask } from 'exiftool-vendored';
import { DaemonError } from '../errors/index.js';
import { withSayablePaths } from './argument-path.js';
import { parkExifTool } from './park.js';

/**
 * The one process that writes metadata. Kept apart from the read pool so a slow or stuck write
 * never holds up reading, and so writes to one file can never interleave (maxProcs 1).
 */
export interface XmpWriter {
  /** Reads the named tags (`-j -struct -G1 -n`): keys are "Group:Tag". */
  readTags(file: string, tags: readonly string[]): Promise<Record<string, unknown>>;
  /**
   * Runs one write: `args` are ExifTool tag operations (e.g. `-XMP-dc:Subject+=dog`). The file is
   * rewritten in place (`-overwrite_original_in_place`: keeps xattrs, Finder tags, hard links and
   * the creation date); an XMP sidecar that does not exist yet is created.
   */
  write(file: string, args: readonly string[]): Promise<WriteReport>;
  /**
   * Writes a new file `dest` (which must not exist): `source`'s metadata with `args` applied
   * (`-o dest source`), or, with no source, a new XMP file holding only `args`. The atomic
   * sidecar write renames `dest` over the sidecar afterwards.
   */
  writeNew(source: string | null, dest: string, args: readonly string[]): Promise<WriteReport>;
  /** SHA-256 of the image data (ExifTool ImageDataHash), or null when ExifTool cannot hash it. */
  imageDataHash(file: string): Promise<string | null>;
  end(): Promise<void>;
}

export interface WriteReport {
  created: number;
  updated: number;
  unchanged: number;
  warnings: string[];
}

export interface ExifToolWriterOptions {
  /** Time limit for one write (config.xmp.writeTimeoutMs). */
  timeoutMs: number;
  /** Override the ExifTool executable (tests). */
  exiftoolPath?: string;
}

/** A task with exactly the arguments we give it (exiftool-vendored's own write API adds others). */
class RawTask extends ExifToolTask<string> {
  protected parse(input: string, error?: Error): string {
    if (error) throw error;
    return input;
  }
}

/**
 * ExifTool's refusals to rewrite a file for what is in it, not for the disk: a packet it cannot
 * parse ("Format error in file": bare `<rdf:RDF>` with no `x:xmpmeta` or `xpacket` around it, which
 * it reads as no XMP at all) or a fault it would only pass over with `-m` ("[minor] Improperly
 * enclosed XMP property"), which could drop what it cannot place. Trying again changes nothing.
 */
const SOURCE_REFUSED = /Format error in file|\[minor\]/;

const COUNT_RE = /(\d+) (?:image )?files? (created|updated|unchanged|weren't updated due to errors)/gi;

export function parseWriteOutput(out: string, warnings: readonly string[]): WriteReport {
  const r: WriteReport = { created: 0, updated: 0, unchanged: 0, warnings: [...warnings] };
  for (const m of out.matchAll(COUNT_RE)) {
    const n = Number(m[1]);
    const what = m[2]!.toLowerCase();
    if (what === 'created') r.created += n;
    else if (what === 'updated') r.updated += n;
    else if (what === 'unchanged') r.unchanged += n;
    else if (n > 0) throw new DaemonError('WRITE_FAILED', out.trim());
  }
  return r;
}

function cleanupTemp(file: string): void {
  // ExifTool's temp file, should a write be killed midway: never leave one behind.
  const tmp = `${file}_exiftool_tmp`;
  if (existsSync(tmp)) rmSync(tmp, { force: true });
}

export class ExifToolWriter implements XmpWriter {
  readonly #et: ExifTool;
  readonly #timeoutMs: number;

  constructor(opts: ExifToolWriterOptions) {
    this.#timeoutMs = opts.timeoutMs;
    this.#et = new ExifTool({
      maxProcs: 1,
      writeArgs: ['-overwrite_original_in_place'],
      taskTimeoutMillis: opts.timeoutMs,
      // A write is never retried blindly: the caller re-reads and re-plans.
      taskRetries: 0,
      ...(opts.exiftoolPath ? { exiftoolPath: opts.exiftoolPath } : {}),
    });
  }

  async #run(args: string[], what: string): Promise<{ out: string; warnings: string[] }> {
    const task = new RawTask(args);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DaemonError('WRITE_TIMEOUT', `${what} took longer than ${this.#timeoutMs} ms`)), this.#timeoutMs + 250);
      timer.unref();
    });
    try {
      const out = await Promise.race([this.#et.enqueueTask(() => task, false), limit]);
      return { out, warnings: task.warnings };
    } finally {
      clearTimeout(timer);
    }
  }

  async readTags(file: string, tags: readonly string[]): Promise<Record<string, unknown>> {
    try {
      const { out } = await withSayablePaths([file], ([f]) => this.#run(['-j', '-struct', '-G1', '-n', ...tags.map((t) => `-${t}`), f!], `reading ${file}`));
      const arr = JSON.parse(out) as Record<string, unknown>[];
      return arr[0] ?? {};
    } catch (e) {
      if (e instanceof DaemonError) throw e;
      throw new DaemonError('WRITE_FAILED', `reading ${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  async write(file: string, args: readonly string[]): Promise<WriteReport> {
    // Given a folder ExifTool would rewrite every file inside it.
    if (existsSync(file) && !statSync(file).isFile()) throw new DaemonError('WRITE_FAILED', `${file} is not a regular file`);
    try {
      const { out, warnings } = await withSayablePaths([file], ([f]) => this.#run(['-overwrite_original_in_place', '-E', ...args, f!], `writing ${file}`));
      return parseWriteOutput(out, warnings);
    } catch (e) {
      cleanupTemp(file);
      if (e instanceof DaemonError) throw e;
      throw new DaemonError('WRITE_FAILED', `${file}: ${(e as Error).message}`, { cause: e });
    }
  }

  async writeNew(source: string | null, dest: string, args: readonly string[]): Promise<WriteReport> {
    if (source !== null && !statSync(source).isFile()) throw new DaemonError('WRITE_FAILED', `${source} is not a regular file`);
    try {
      const { out, warnings } = await withSayablePaths(source === null ? [dest] : [dest, source], ([d, s]) =>
        this.#run(s === undefined ? ['-E', ...args, d!] : ['-E', ...args, '-o', d!, s], `writing ${dest}`),
      );
      return parseWriteOutput(out, warnings);
    } catch (e) {
      if (e instanceof DaemonError) throw e;
      const why = (e as Error).message;
      if (source !== null && SOURCE_REFUSED.test(why)) throw new DaemonError('SIDECAR_MALFORMED', `${source}: ExifTool cannot rewrite it (${why.replace(/^Error:\s*/, '').replace(` - ${source}`, '')})`, { cause: e });
      throw new DaemonError('WRITE_FAILED', `${dest}: ${why}`, { cause: e });
    }
  }

  async imageDataHash(file: string): Promise<string | null> {
    const { out } = await withSayablePaths([file], ([f]) => this.#run(['-j', '-api', 'ImageHashType=SHA256', '-ImageDataHash', f!], `hashing ${file}`));
    const arr = JSON.parse(out) as { ImageDataHash?: unknown }[];
    const h = arr[0]?.ImageDataHash;
    return typeof h === 'string' && /^[0-9a-f]{64}$/i.test(h) ? h.toLowerCase() : null;
  }

  /** Ends the writer's idle ExifTool process (see park.ts); false while a write waits or runs. */
  park(): Promise<boolean> {
    return parkExifTool(this.#et);
  }

  async end(): Promise<void> {
    await this.#et.end();
  }
}

export function createExifToolWriter(opts: ExifToolWriterOptions): ExifToolWriter {
  return new ExifToolWriter(opts);
}
