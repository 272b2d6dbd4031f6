import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, readConfigFile, configPath, type ConfigInput } from '../../config/index.js';
import { createLogger } from '../../log/index.js';
import { Daemon } from '../../main.js';
import { startDaemonApi } from '../../daemon-api.js';
import { applyPrivateUmask, createPlatform, tightenPrivateFiles } from '../../platform/index.js';
import { defaultLibrary } from '../../platform/places.js';
import { UsageError, type CliCommand } from '../command.js';
import { acquireDaemonLock } from '../lock.js';
import { installShutdown } from '../../lifecycle/shutdown.js';

/** How long running passes get to finish after SIGTERM before their leases are released. */
const SHUTDOWN_GRACE_MS = 8_000;
/** The whole shutdown, under launchd's ExitTimeOut and systemd's TimeoutStopSec (30 s). */
const SHUTDOWN_TOTAL_MS = 25_000;

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run the daemon in the foreground (what launchd/systemd start)',
  usage: 'rawlight run [--library DIR]... [--port N]',
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: { library: { type: 'string', multiple: true }, port: { type: 'string' } },
    });
    const overrides: Partial<ConfigInput> = {};
    if (values.library?.length) overrides.libraries = values.library.map((l) => path.resolve(l));
    if (values.port !== undefined) {
      const port = Number(values.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a number 0..65535, got ${values.port}`);
      const fileApi = (readConfigFile(configPath(env.places)).api ?? {}) as Record<string, unknown>;
      overrides.api = { ...fileApi, port } as ConfigInput['api'];
    }
    const config = loadConfig(env.places, { env: env.env, overrides });
    // Before the first file is created (the log): everything rawlight writes is the user's alone.
    applyPrivateUmask();
    const tightened = tightenPrivateFiles(env.places);
    const log = await createLogger({ logsDir: env.places.logsDir, console: true });
    if (tightened.length) log.info({ count: tightened.length, paths: tightened.slice(0, 20).map((t) => t.path) }, 'made rawlight\'s folders and files private (0700/0600)');
    let libraries = config.libraries;
    if (libraries.length === 0) {
      const def = defaultLibrary();
      libraries = existsSync(def) ? [def] : [];
      log.warn({ using: libraries }, libraries.length ? 'no libraries configured; using the default folder' : 'no libraries configured and no default folder; add one with the API or config');
    }
    const lock = acquireDaemonLock(env.places, 'daemon');
    const platform = createPlatform({ places: env.places, turbo: config.agent.turbo, log });
    log.info(platform.lowerCpuPriority(), 'CPU priority lowered: the user\'s apps come first');
    const daemon = new Daemon({ places: env.places, config, log, libraries, platform, dataless: platform.dataless });
    let stopped!: (code: number) => void;
    const done = new Promise<number>((resolve) => (stopped = resolve));
    // SIGTERM/SIGINT: the ordered, bounded steps of lifecycle/shutdown.ts; a second signal exits at once.
    const shutdown = installShutdown({
      log,
      totalTimeoutMs: SHUTDOWN_TOTAL_MS,
      steps: [
        { name: 'daemon (passes, watcher, API, models, ExifTool, database)', timeoutMs: SHUTDOWN_GRACE_MS + 10_000, run: () => daemon.stop(SHUTDOWN_GRACE_MS) },
        { name: 'lock', run: () => lock.release() },
      ],
      exit: (code) => {
        log.info({ code }, 'stopped');
        log.flush();
        stopped(code);
        // Past the overall limit a step may still hold the event loop open: leave anyway.
        setTimeout(() => process.exit(code), 2_000).unref();
      },
    });
    process.on('uncaughtException', (e) => {
      log.fatal({ err: e }, 'crashed: uncaught exception');
      log.flush();
      lock.release();
      process.exit(1);
    });
    process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled promise rejection'));
    try {
      await daemon.start();
    } catch (e) {
      log.fatal({ err: e }, 'could not start');
      shutdown.dispose();
      await daemon.stop(1000).catch(() => undefined);
      lock.release();
      throw e;
    }
    let url: string | null = null;
    try {
      if (!daemon.stopping) url = (await startDaemonApi(daemon)).url;
    } catch (e) {
      // Indexing goes on without the page; the reason is in the log and in `rawlight doctor`.
      log.error({ err: e }, 'the status page and API could not start');
    }
    log.info({ libraries, home: env.places.dataDir, pid: process.pid, url }, 'rawlight is running');
    const code = await done;
    shutdown.dispose();
    return code;
  },
};
