import { ExifToolTask } from 'exiftool-vendored';
import { Utf8FilenameCharsetArgs } from 'exiftool-vendored/dist/FilenameCharsetArgs.js';

/** Per file: each embedded image it has, by tag name (absent tags are left out). */
export type EmbeddedImages = Map<string, Buffer>;

const B64 = 'base64:';
/** The start of a base64 value in ExifTool's JSON (`"Tag": "base64:…"`), from its opening quote. */
const VALUE_B64 = `"${B64}`;
/** What a cut-out value is replaced by: its index follows (see cutBinaries). */
const PLACEHOLDER = 'rawlight-binary:';
/** Base64 characters decoded per step (a multiple of 4): small strings, never a multi-MB one. */
const B64_STEP = 64 * 1024;

/**
 * The bytes of the base64 text in `src[start, end)`, decoded step by step into one buffer: one
 * multi-MB string would land in V8's large-object space and force a major collection of the
 * daemon's heap every few RAWs; 64 KB strings die young.
 */
function decodeBase64(src: Buffer, start: number, end: number): Buffer {
  let pad = 0;
  while (pad < 2 && end - pad > start && src[end - pad - 1] === 0x3d) pad++; // '='
  const out = Buffer.allocUnsafe(Math.floor(((end - start) * 3) / 4) - pad);
  let written = 0;
  for (let i = start; i < end; i += B64_STEP) written += out.write(src.toString('latin1', i, Math.min(end, i + B64_STEP)), written, 'base64');
  return written === out.length ? out : out.subarray(0, written);
}

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

  private readonly parts: Buffer[] = [];
  private tail: Buffer = Buffer.alloc(0);
  private flushed = false;
  /** The images cut out of the output, by their placeholder's index. */
  private readonly binaries: Buffer[] = [];

  /**
   * Output is gathered here as bytes and handed to batch-cluster in one piece once ExifTool's ready
   * token shows. batch-cluster appends each 64 KB chunk to one string and runs its token regex over
   * the whole of it every time: quadratic in the output, and a full-size JpgFromRaw travels as
   * ~13 MB of base64, so that cost seconds of the daemon's thread per RAW and serialised the CPU
   * workers. The base64 values are then decoded straight from the bytes and replaced by short
   * placeholders: joining, scanning and JSON-parsing megabytes of base64 as a string cost the
   * daemon's thread ~100 ms per full-size JpgFromRaw, which it no longer sees.
   */
  override onStdout(buf: string | Buffer): void {
    if (this.flushed) return super.onStdout(buf);
    const b = typeof buf === 'string' ? Buffer.from(buf) : buf;
    this.parts.push(b);
    // The token inside this chunk, or across its start (the last bytes of the chunks before).
    const across = Buffer.concat([this.tail, b.subarray(0, READY.length - 1)]);
    if (!b.includes(READY) && !across.includes(READY)) {
      const seen = Buffer.concat([this.tail, b.subarray(Math.max(0, b.length - (READY.length - 1)))]);
      this.tail = seen.subarray(Math.max(0, seen.length - (READY.length - 1)));
      return;
    }
    this.flushed = true;
    const all = Buffer.concat(this.parts);
    this.parts.length = 0;
    super.onStdout(this.cutBinaries(all));
  }

  /** The output with each `"base64:…"` value replaced by a placeholder, its bytes decoded aside. */
  private cutBinaries(all: Buffer): string {
    const pieces: string[] = [];
    let emitted = 0; // output up to here is in pieces
    let search = 0;
    for (;;) {
      const at = all.indexOf(VALUE_B64, search);
      if (at < 0) break;
      const start = at + VALUE_B64.length;
      search = start;
      // A value's opening quote follows a colon: a quote inside a string is escaped in JSON, and one
      // closing a string is followed by a colon, comma or brace, never by base64.
      let k = at - 1;
      while (k >= 0 && (all[k] === 0x20 || all[k] === 0x09 || all[k] === 0x0a || all[k] === 0x0d)) k--;
      if (k < 0 || all[k] !== 0x3a) continue;
      const end = all.indexOf(0x22, start); // base64 has no quote: the value's closing quote
      if (end < 0) break;
      pieces.push(all.toString('utf8', emitted, at + 1), `${PLACEHOLDER}${this.binaries.length}"`);
      this.binaries.push(decodeBase64(all, start, end));
      emitted = search = end + 1;
    }
    pieces.push(all.toString('utf8', emitted));
    return pieces.join('');
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
        if (typeof v !== 'string') continue;
        const buf = v.startsWith(PLACEHOLDER)
          ? this.binaries[Number(v.slice(PLACEHOLDER.length))]
          : v.startsWith(B64)
            ? Buffer.from(v.slice(B64.length), 'base64')
            : undefined;
        if (buf && buf.length > 0) images.set(tag, buf);
      }
    }
    return out;
  }
}
