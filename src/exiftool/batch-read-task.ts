import { ExifToolTask, type Tags } from 'exiftool-vendored';
// Not re-exported by the package root; used so batched reads get exactly the tag parsing of et.read().
import { ReadTask, type ReadTaskOptions } from 'exiftool-vendored/dist/ReadTask.js';
import { ListedReadTask } from './listed-read-task.js';

/**
 * Per file of a batch: its parsed tags, or null when this file must be read on its own (no entry in
 * ExifTool's output, e.g. a vanished file; or ExifTool said something about it on stderr, which a
 * single read attributes to the file and a batch cannot do as surely).
 */
export type BatchReadResult = Map<string, Tags | null>;

/**
 * exiftool-vendored's read of one file, asking for `tags` only: its `-all` (always the argument
 * before the file) is replaced by the list. Parsing (dates, time zones, GPS) is the library's own.
 */
export function readTaskFor(file: string, opts: ReadTaskOptions, tags?: readonly string[]): ListedReadTask {
  const task = ReadTask.for(file, opts);
  if (!tags?.length) return new ListedReadTask(task.sourceFile, task.args, task.options);
  const at = task.args.length - 2;
  if (task.args[at] !== '-all') throw new Error(`exiftool-vendored read arguments changed: ${task.args.slice(-3).join(' ')}`);
  // A new task, not an edit of this one's args: the command line is rendered in the constructor.
  const args = [...task.args.slice(0, at), ...tags.map((t) => `-${t}`), task.args[at + 1]!];
  return new ListedReadTask(task.sourceFile, args, task.options);
}

/**
 * One `-json` ExifTool command over several files (absolute paths, distinct), with the same
 * arguments et.read() uses for one file. Each file's JSON object goes through exiftool-vendored's
 * own ReadTask parser, so the tags equal what a single read returns.
 */
export class BatchReadTask extends ExifToolTask<BatchReadResult> {
  private constructor(
    readonly files: readonly string[],
    private readonly singles: readonly ListedReadTask[],
    args: string[],
    ignoreMinorErrors: boolean,
  ) {
    super(args, { ignoreMinorErrors });
  }

  /**
   * null when the library's read arguments are not `[...common, file]` (then batching is unsafe).
   * `tags`: read only these (instead of exiftool-vendored's `-all`).
   */
  static for(files: readonly string[], opts: ReadTaskOptions, tags?: readonly string[]): BatchReadTask | null {
    const singles = files.map((f) => readTaskFor(f, opts, tags));
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
        out.set(file, this.singles[i]!.parseEntry(entry));
      } catch {
        out.set(file, null);
      }
    }
    return out;
  }
}
