import type { Logger } from 'pino';

export interface ShutdownStep {
  name: string;
  /** Bounded per step: a step that hangs must not keep launchd waiting until SIGKILL. */
  timeoutMs?: number;
  run: () => Promise<void> | void;
}

export interface ShutdownOptions {
  log: Logger;
  /** Steps in order (stop taking work, drain, close ExifTool/models, checkpoint, release the lock). */
  steps: ShutdownStep[];
  /** Whole-shutdown bound; keep it under the agent's ExitTimeOut (30 s). */
  totalTimeoutMs?: number;
  /** Exit hook (tests pass their own). */
  exit?: (code: number) => void;
  signals?: NodeJS.Signals[];
}

export interface ShutdownHandle {
  /** Runs the steps once (later calls get the same promise). */
  shutdown(reason: string): Promise<void>;
  /** Removes the signal handlers. */
  dispose(): void;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<T>((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      t.unref();
    }),
  ]);
}

/**
 * SIGTERM (what launchd and systemd send) and SIGINT run the shutdown steps in order, each bounded;
 * a failing or hanging step is logged and skipped so the later ones (WAL checkpoint, lock release)
 * still run. Exit 0 when all went well, 1 otherwise; a second signal exits at once.
 */
export function installShutdown(opts: ShutdownOptions): ShutdownHandle {
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT'];
  let running: Promise<void> | null = null;

  const shutdown = (reason: string): Promise<void> => {
    if (running) return running;
    running = (async () => {
      opts.log.info({ reason }, 'shutting down');
      let ok = true;
      const all = (async () => {
        for (const step of opts.steps) {
          const started = Date.now();
          try {
            await withTimeout(Promise.resolve().then(step.run), step.timeoutMs ?? 10_000, step.name);
            opts.log.debug({ step: step.name, ms: Date.now() - started }, 'shutdown step done');
          } catch (e) {
            ok = false;
            opts.log.error({ step: step.name, err: e }, 'shutdown step failed');
          }
        }
      })();
      try {
        await withTimeout(all, opts.totalTimeoutMs ?? 25_000, 'shutdown');
      } catch (e) {
        ok = false;
        opts.log.error({ err: e }, 'shutdown did not finish in time');
      }
      exit(ok ? 0 : 1);
    })();
    return running;
  };

  const onSignal = (sig: NodeJS.Signals) => {
    if (running) {
      opts.log.warn({ signal: sig }, 'second signal: exiting now');
      exit(1);
      return;
    }
    void shutdown(sig);
  };
  for (const s of signals) process.on(s, onSignal);
  return {
    shutdown,
    dispose: () => {
      for (const s of signals) process.off(s, onSignal);
    },
  };
}
