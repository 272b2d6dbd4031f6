import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Daemon, type DaemonOptions } from '../../src/main.js';

/** A logger whose JSON lines the test reads back (what a user would see in the daemon's log). */
export function capturingLogger(level: pino.Level = 'debug'): { log: pino.Logger; lines: () => { level: number; msg: string; [k: string]: unknown }[] } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out.push(String(chunk));
      cb();
    },
  });
  return { log: pino({ level }, stream), lines: () => out.flatMap((l) => l.split('\n').filter(Boolean).map((x) => JSON.parse(x))) };
}

/** Waits for a condition the daemon reaches on its own (a watcher event, a pass): a deadline, no fixed sleep. */
export async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * One daemon start of a test home, `during` run while it is up, stopped after: called once per
 * start a test needs (an upgrade test starts the same home two or three times).
 */
export function daemonStarts(o: Omit<DaemonOptions, 'log'>) {
  return async (during: (d: Daemon, logs: ReturnType<typeof capturingLogger>) => Promise<void>): Promise<void> => {
    const logs = capturingLogger('info');
    const daemon = new Daemon({ ...o, log: logs.log });
    try {
      await daemon.start();
      await during(daemon, logs);
    } finally {
      await daemon.stop(5000);
    }
  };
}
