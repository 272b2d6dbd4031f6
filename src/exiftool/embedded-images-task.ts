import { StringDecoder } from 'node:string_decoder';
import { ExifToolTask } from 'exiftool-vendored';
import { Utf8FilenameCharsetArgs } from 'exiftool-vendored/dist/FilenameCharsetArgs.js';

/** Per file: each embedded image it has, by tag name (absent tags are left out). */
export type EmbeddedImages = Map<string, Buffer>;

const B64 = 'base64:';
/** What ExifTool prints after each command's output (exiftool-vendored's pass and fail token). */
const READY = '{ready}';

/**
 * One ExifTool command that extracts every candidate embedded image of one or more files at once
 * (`-json -b`: binaries come back base64-coded inside the JSON), instead of one command per tag and
 * file. The caller decides which to decode from their headers.
 */
export class EmbeddedImagesTask extends ExifToolTask<Map<string, EmbeddedImages>> {
  private constructor(
    readonly files: readonly string[],
    private readonly tags: readonly string[],
  ) {
    super([...Utf8FilenameCharsetArgs, '-json', '-b', ...tags.map((t) => `-${t}`), ...files], { ignoreMinorErrors: true });
  }

  /** `files` absolute and distinct; `tags` plain tag names (ExifTool's, e.g. JpgFromRaw). */
  static for(files: readonly string[], tags: readonly string[]): EmbeddedImagesTask {
    for (const t of tags) if (!/^[A-Za-z0-9]+$/.test(t)) throw new Error(`not a tag name: ${t}`);
    return new EmbeddedImagesTask(files, tags);
  }

  private readonly parts: string[] = [];
  private readonly decoder = new StringDecoder('utf8');
  private tail = '';
  private flushed = false;

  /**
   * Output is gathered here and handed to batch-cluster in one piece once ExifTool's ready token
   * shows. batch-cluster appends each 64 KB chunk to one string and runs its token regex over the
   * whole of it every time: quadratic in the output, and a full-size JpgFromRaw travels as ~13 MB
   * of base64, so that cost seconds of the daemon's thread per RAW and serialised the CPU workers.
   */
  override onStdout(buf: string | Buffer): void {
    if (this.flushed) return super.onStdout(buf);
    const s = typeof buf === 'string' ? buf : this.decoder.write(buf);
    this.parts.push(s);
    const window = this.tail + s;
    if (!window.includes(READY)) {
      this.tail = window.slice(-(READY.length - 1));
      return;
    }
    this.flushed = true;
    const all = this.parts.join('') + this.decoder.end();
    this.parts.length = 0;
    super.onStdout(all);
  }

  override toString(): string {
    return `EmbeddedImagesTask(${this.files.length} files)`;
  }

  override parse(data: string, err?: Error): Map<string, EmbeddedImages> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data || '[]');
    } catch (jsonError) {
      throw err ?? jsonError;
    }
    const out = new Map<string, EmbeddedImages>();
    for (const f of this.files) out.set(f, new Map());
    if (!Array.isArray(parsed)) return out;
    for (const entry of parsed as Record<string, unknown>[]) {
      const images = typeof entry?.SourceFile === 'string' ? out.get(entry.SourceFile) : undefined;
      if (!images) continue;
      for (const tag of this.tags) {
        const v = entry[tag];
        if (typeof v !== 'string' || !v.startsWith(B64)) continue;
        const buf = Buffer.from(v.slice(B64.length), 'base64');
        if (buf.length > 0) images.set(tag, buf);
      }
    }
    return out;
  }
}
