import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pino, type Logger, type TransportTargetOptions } from 'pino';

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

/**
 * One root logger for the process. The file target is size-bounded (pino-roll) so a daemon left
 * running for months never fills the disk; the console target is for a human at a terminal.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? process.env.RAWLIGHT_LOG_LEVEL ?? 'info';
  const targets: TransportTargetOptions[] = [];
  if (opts.logsDir) {
    mkdirSync(opts.logsDir, { recursive: true });
    targets.push({
      target: 'pino-roll',
      level,
      options: {
        file: path.join(opts.logsDir, 'rawlight'),
        extension: '.log',
        size: opts.maxFileSize ?? '10m',
        limit: { count: opts.keepFiles ?? 5 },
        mkdir: true,
      },
    });
  }
  if (opts.console) {
    if (process.stderr.isTTY) {
      targets.push({ target: 'pino-pretty', level, options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } });
    } else {
      targets.push({ target: 'pino/file', level, options: { destination: 2 } });
    }
  }
  if (targets.length === 0) return pino({ level: 'silent' });
  const transport = pino.transport({ targets });
  // A log file that cannot be written (its folder deleted by a clean-up, a full disk) must never
  // stop the daemon: without a listener the transport's error is an uncaught exception. Said once
  // on stderr (launchd keeps it); logging resumes when the file can be opened again.
  let told = false;
  transport.on('error', (e: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(`rawlight: the log file cannot be written (${e.message}); going on without it\n`);
  });
  return pino({ level, base: { pid: process.pid }, redact: ['token', '*.token', 'headers.cookie'] }, transport);
}

/** A logger that writes nothing: for tests and one-shot commands that print their own output. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Synchronous JSON logger to a stream (fd 2 by default): for short CLI commands. */
export function stderrLogger(level = process.env.RAWLIGHT_LOG_LEVEL ?? 'warn'): Logger {
  return pino({ level }, pino.destination({ fd: 2, sync: true }));
}
