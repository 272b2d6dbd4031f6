import { ExifToolTask, type Tags } from 'exiftool-vendored';
// Not re-exported by the package root; used so batched reads get exactly the tag parsing of et.read().
import { ReadTask, type ReadTaskOptions } from 'exiftool-vendored/dist/ReadTask.js';

/**
 * Per file of a batch: its parsed tags, or null when this file must be read on its own (no entry in
 * ExifTool's output, e.g. a vanished file; or ExifTool said something about it on stderr, which a
 * single read attributes to the file and a batch cannot do as surely).
 */
export type BatchReadResult = Map<string, Tags | null>;

/**
 * One `-json` ExifTool command over several files (absolute paths, distinct), with the same
 * arguments et.read() uses for one file. Each file's JSON object goes through exiftool-vendored's
 * own ReadTask parser, so the tags equal what a single read returns.
 */
export class BatchReadTask extends ExifToolTask<BatchReadResult> {
  private constructor(
    readonly files: readonly string[],
    private readonly singles: readonly ReadTask[],
    args: string[],
    ignoreMinorErrors: boolean,
  ) {
    super(args, { ignoreMinorErrors });
  }

  /** null when the library's read arguments are not `[...common, file]` (then batching is unsafe). */
  static for(files: readonly string[], opts: ReadTaskOptions): BatchReadTask | null {
    const singles = files.map((f) => ReadTask.for(f, opts));
    const common = singles[0]?.args.slice(0, -1);
    if (!common) return null;
    for (const [i, t] of singles.entries()) {
      if (t.args.length !== common.length + 1 || t.args[common.length] !== files[i] || common.some((a, j) => t.args[j] !== a)) return null;
    }
    return new BatchReadTask(files, singles, [...common, ...files], singles[0]!.options.ignoreMinorErrors);
  }

  override toString(): string {
    return `BatchReadTask(${this.files.length} files)`;
  }

  override parse(data: string, err?: Error): BatchReadResult {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (jsonError) {
      throw err ?? jsonError; // nothing usable: the caller reads each file on its own
    }
    if (!Array.isArray(parsed)) throw new Error('ExifTool batch output is not a JSON array');
    const bySource = new Map<string, unknown>();
    for (const entry of parsed) {
      const src = (entry as { SourceFile?: unknown } | null)?.SourceFile;
      if (typeof src === 'string') bySource.set(src, entry);
    }
    // stderr lines name the file they concern; a line naming none could concern any of them.
    const lines = [...this.errors, ...this.warnings];
    const unattributed = lines.some((l) => !this.files.some((f) => l.includes(f)));
    const out: BatchReadResult = new Map();
    for (const [i, file] of this.files.entries()) {
      const entry = bySource.get(file);
      if (entry === undefined || unattributed || lines.some((l) => l.includes(file))) {
        out.set(file, null);
        continue;
      }
      try {
        out.set(file, this.singles[i]!.parse(JSON.stringify([entry])));
      } catch {
        out.set(file, null);
      }
    }
    return out;
  }
}
