import os from 'node:os';
import { ExifTool, type Tags } from 'exiftool-vendored';
import { DaemonError } from '../errors/index.js';

export interface ReaderOptions {
  /** ExifTool processes in the read pool. */
  maxProcs?: number;
  taskTimeoutMillis?: number;
}

/**
 * The one read pool of ExifTool processes (separate from the XMP writer, so a slow write never
 * blocks indexing). Built by main.ts, handed to the passes, ended on shutdown.
 */
export class ExifReader {
  readonly et: ExifTool;

  constructor(opts: ReaderOptions = {}) {
    this.et = new ExifTool({
      // One per core: metadata reads are mostly ExifTool CPU time, and the I/O workers feed it.
      maxProcs: opts.maxProcs ?? Math.max(1, Math.min(4, os.cpus().length)),
      taskTimeoutMillis: opts.taskTimeoutMillis ?? 30_000,
      // -fast: no scan to the end of JPEGs for trailers (metadata we use is never there; previews
      // are extracted separately with -b). LargeFileSupport: RAW/video containers over 2 GB.
      readArgs: ['-fast', '-api', 'LargeFileSupport=1'],
      ignoreZeroZeroLatLon: true,
      useMWG: true,
    });
  }

  async read(file: string): Promise<Tags> {
    try {
      return await this.et.read(file);
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if (/ENOENT|File not found/i.test(msg)) throw new DaemonError('FILE_NOT_FOUND', undefined, { cause: e });
      if (/permission denied|EACCES/i.test(msg)) throw new DaemonError('FILE_PERMISSION_DENIED', undefined, { cause: e });
      if (/timed? ?out/i.test(msg)) throw new DaemonError('METADATA_UNREADABLE', `ExifTool timed out`, { cause: e });
      throw new DaemonError('METADATA_UNREADABLE', msg.split('\n')[0], { cause: e });
    }
  }

  /** An embedded binary image as a buffer, or null when the tag is absent or empty. */
  async binary(tag: string, file: string): Promise<Buffer | null> {
    try {
      const b = await this.et.extractBinaryTagToBuffer(tag, file);
      return b.length > 0 ? b : null;
    } catch {
      return null;
    }
  }

  version(): Promise<string> {
    return this.et.version();
  }

  end(): Promise<void> {
    return this.et.end();
  }
}
