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

/** How long running passes get to finish after SIGTERM before their leases are released. */
const SHUTDOWN_GRACE_MS = 8_000;

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
    const log = createLogger({ logsDir: env.places.logsDir, console: true });
    if (tightened.length) log.info({ count: tightened.length, paths: tightened.slice(0, 20).map((t) => t.path) }, 'made rawlight\'s folders and files private (0700/0600)');
    let libraries = config.libraries;
    if (libraries.length === 0) {
      const def = defaultLibrary();
      libraries = existsSync(def) ? [def] : [];
      log.warn({ using: libraries }, libraries.length ? 'no libraries configured; using the default folder' : 'no libraries configured and no default folder; add one with the API or config');
    }
    const lock = acquireDaemonLock(env.places);
    const platform = createPlatform({ places: env.places, turbo: config.agent.turbo, log });
    log.info(platform.lowerCpuPriority(), 'CPU priority lowered: the user\'s apps come first');
    const daemon = new Daemon({ places: env.places, config, log, libraries, platform, dataless: platform.dataless });
    let stopping: Promise<void> | null = null;
    let stopped!: () => void;
    const done = new Promise<void>((resolve) => (stopped = resolve));
    const stop = (signal: string) => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      log.info({ signal }, 'stopping: finishing running passes');
      stopping = daemon
        .stop(SHUTDOWN_GRACE_MS)
        .catch((e: unknown) => log.error({ err: e }, 'error during shutdown'))
        .finally(() => {
          lock.release();
          log.info('stopped');
          log.flush();
          stopped();
        });
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
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
    await done;
    return 0;
  },
};
