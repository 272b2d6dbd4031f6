import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Level, type Logger, type StreamEntry } from 'pino';
import pinoPretty from 'pino-pretty';
import pinoRoll from 'pino-roll';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Folder for the rotating JSON log file; none = no file. */
  logsDir?: string | undefined;
  level?: string;
  /** Also print to stderr: pretty when it is a TTY, JSON otherwise. */
  console?: boolean;
  /** Rotate at this size; keep this many old files. */
  maxFileSize?: string;
  keepFiles?: number;
}

/** What a line may wait in memory while the log file cannot be written (a full disk): then lines are dropped. */
const MAX_PENDING_BYTES = 1024 * 1024;

/**
 * One root logger for the process. The file target is size-bounded (pino-roll) so a daemon left
 * running for months never fills the disk; the console target is for a human at a terminal.
 * Written on the daemon's thread, each line as it comes (a few lines a photo): pino's worker-thread
 * transport cost a V8 isolate of its own, 33 MB of RSS for as long as the process lives (a third of
 * what an idle daemon held beside its code), and a line written at once is in the file when the
 * process is killed.
 */
export async function createLogger(opts: LoggerOptions = {}): Promise<Logger> {
  const level = opts.level ?? process.env.RAWLIGHT_LOG_LEVEL ?? 'info';
  // A log file that cannot be written (its folder deleted by a clean-up, a full disk) must never
  // stop the daemon: said once on stderr (launchd keeps it), and the daemon goes on. After a full
  // disk, logging resumes once it has room (with up to 1 MiB of the lines logged meanwhile); a
  // file that could not be opened stays off until the next start.
  let told = false;
  const tell = (e: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(`rawlight: the log file cannot be written (${e.message}); going on without it\n`);
  };
  const streams: StreamEntry[] = [];
  if (opts.logsDir) {
    try {
      mkdirSync(opts.logsDir, { recursive: true });
      const file = await pinoRoll({
        file: path.join(opts.logsDir, 'rawlight'),
        extension: '.log',
        size: opts.maxFileSize ?? '10m',
        limit: { count: opts.keepFiles ?? 5 },
        mkdir: true,
        sync: true,
        maxLength: MAX_PENDING_BYTES,
      });
      file.on('error', tell);
      streams.push({ level: level as Level, stream: file });
    } catch (e) {
      tell(e as Error);
    }
  }
  if (opts.console) {
    // Not a terminal: launchd's log file, or journald's pipe, which must never hold up the daemon's
    // thread when it reads slowly (written asynchronously; the log file has every line anyway).
    const stream = process.stderr.isTTY ? pinoPretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' }) : pino.destination({ fd: 2, sync: false });
    streams.push({ level: level as Level, stream });
  }
  if (streams.length === 0) return pino({ level: 'silent' });
  return pino({ level, base: { pid: process.pid }, redact: ['token', '*.token', 'headers.cookie'] }, pino.multistream(streams));
}

/** A logger that writes nothing: for tests and one-shot commands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Synchronous JSON logger to a stream (fd 2 by default): for short CLI commands. */
export function stderrLogger(level = process.env.RAWLIGHT_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level }, pino.destination({ fd: 2, sync: true }));
}
