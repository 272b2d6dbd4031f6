import path from 'node:path';
import { ensureToken } from './api/api-token.js';
import type { PeoplePort } from './api/ports.js';
import { startServer, type ApiDeps } from './api/server.js';
import { configPath, readConfigFile, saveConfigFile } from './config/index.js';
import { isDaemonError } from './errors/index.js';
import type { Daemon } from './main.js';
import { ignorePerson, mergePeople, namePerson, removeFace, undoLast } from './people/index.js';
import { retryDead } from './queue/queue.js';

/** The people module's actions behind the API's port. */
export function peoplePort(daemon: Daemon): PeoplePort {
  const db = daemon.core.db;
  return {
    name: (id, name) => ({ personId: namePerson(db, id, name).personId ?? id }),
    merge: (from, into) => void mergePeople(db, from, into),
    removeFace: (faceId) => void removeFace(db, faceId),
    ignore: (id, ignored) => void ignorePerson(db, id, ignored),
    undo: () => {
      try {
        const r = undoLast(db);
        return `${r.kind} (action ${r.actionId})`;
      } catch (e) {
        if (isDaemonError(e) && e.code === 'NOTHING_TO_UNDO') return null;
        throw e;
      }
    },
  };
}

/** ApiDeps for a running daemon: pause/resume, libraries saved to config.json, dead-job retry. */
export function daemonApiDeps(daemon: Daemon, token: string, extra: Partial<ApiDeps> = {}): ApiDeps {
  const libs = [...daemon.o.libraries];
  const { pipeline, db, bus } = daemon.core;
  const places = daemon.o.places;
  const saveLibraries = () => {
    const raw = readConfigFile(configPath(places));
    saveConfigFile(places, { ...raw, libraries: [...libs] });
  };
  return {
    db,
    places,
    config: daemon.o.config,
    bus,
    token,
    log: daemon.o.log.child({ component: 'api' }),
    control: {
      pause: () => pipeline.setPaused(true),
      resume: () => pipeline.setPaused(false),
      isPaused: () => pipeline.isPaused(),
      libraries: () => libs,
      async addLibrary(dir) {
        const abs = path.resolve(dir);
        if (libs.includes(abs)) return;
        libs.push(abs);
        saveLibraries();
        await daemon.addLibrary(abs);
      },
      async removeLibrary(dir) {
        const abs = path.resolve(dir);
        const i = libs.indexOf(abs);
        if (i < 0) return;
        libs.splice(i, 1);
        saveLibraries();
        await daemon.removeLibrary(abs);
      },
      retryDead: (jobId) => {
        const n = retryDead(db, jobId === undefined ? {} : { jobId });
        pipeline.wake();
        return n;
      },
      passNames: () => pipeline.passes.map((p) => p.name),
      watchState: () => daemon.watcher?.state ?? { enabled: daemon.o.config.watch.enabled, watching: 0 },
    },
    people: peoplePort(daemon),
    ...extra,
  };
}

/** Starts the loopback API and page for a daemon; stopped with the daemon. */
export async function startDaemonApi(daemon: Daemon, extra: Partial<ApiDeps> = {}): Promise<{ url: string }> {
  const token = ensureToken(daemon.o.places);
  const api = await startServer(daemonApiDeps(daemon, token, extra));
  daemon.addStopHook('api', () => api.close());
  return { url: api.url };
}
