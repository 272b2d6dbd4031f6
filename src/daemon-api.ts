import path from 'node:path';
import { ensureToken, tokenReader } from './api/api-token.js';
import { removeApiUrl, writeApiUrl } from './api/api-url-file.js';
import type { DuplicatesPort, ModelsPort, PeoplePort, PermissionsPort, UpkeepPort, WritebackPort } from './api/ports.js';
import { findDuplicates } from './duplicates/find-duplicates.js';
import { judgeForLibrary } from './duplicates/judge-for-library.js';
import { markDuplicates } from './duplicates/mark.js';
import { upkeepStatus } from './jobs/index.js';
import { createSearchService } from './search/search.service.js';
import { openTownNames } from './places/town-names.js';
import { Priority, requestPass } from './queue/queue.js';
import { raiseUnder } from './queue/raise-under.js';
import { withPrerequisites } from './pipeline/pass-selection.js';
import { getFile } from './store/repositories/file.repository.js';
import { openReadonlyDb } from './store/db.js';
import { runWriteback, xmpStateForFile } from './xmp/index.js';
import { startServer, type ApiDeps } from './api/server.js';
import { configPath, readConfigFile, saveConfigFile } from './config/index.js';
import { checkNewLibrary, resolveLibraryRoot } from './config/libraries.js';
import { canonicalPath } from './platform/canonical-path.js';
import { DaemonError, isDaemonError } from './errors/index.js';
import type { Daemon } from './main.js';
import type { WritableDb } from './store/db.js';
import { ignorePerson, mergePeople, moveFace, namePerson, personForFace, removeFace, undoLast } from './people/index.js';
import { retryDead } from './queue/queue.js';

/**
 * The people module's actions behind the API's port (the database, and the daemon's grouping
 * trigger for "Group now", are all it needs: testable alone).
 */
export function peoplePort(db: WritableDb, group?: () => Promise<unknown>): PeoplePort {
  return {
    name: (id, name) => ({ personId: namePerson(db, id, name).personId ?? id }),
    merge: (from, into) => void mergePeople(db, from, into),
    removeFace: (faceId) => void removeFace(db, faceId),
    ignore: (id, ignored) => void ignorePerson(db, id, ignored),
    undo: () => {
      try {
        // What was undone (the page says "Undone: name (action 7)"), not the undo itself.
        const r = undoLast(db);
        return `${String(r.details.kind)} (action ${String(r.details.undid)})`;
      } catch (e) {
        if (isDaemonError(e) && e.code === 'NOTHING_TO_UNDO') return null;
        throw e;
      }
    },
    ...(group ? { group } : {}),
    // A face of an unnamed group names the group (its other photos are the same person); a face
    // of a named person given another name is a correction: it moves.
    nameFace: (faceId, name) => {
      const p = personForFace(db, faceId);
      if (p && !p.notFace && p.name === null) return { personId: namePerson(db, p.personId, name).personId ?? p.personId };
      return { personId: moveFace(db, faceId, name).personId ?? 0 };
    },
  };
}

/** Model roles for the status page: chosen model, licence, provider, and what to do when missing. */
export function modelsPort(daemon: Daemon): ModelsPort {
  return {
    list: () => {
      const sessions = new Map(daemon.core.sessions.info().map((i) => [i.modelId, i] as const));
      return [...daemon.core.models.reports().values()].map((r) => ({
        role: r.role,
        id: r.chosen?.id ?? null,
        present: r.state === 'ready',
        state: r.state,
        licence: r.licence,
        provider: r.chosen ? (sessions.get(r.chosen.id)?.provider ?? 'not loaded yet') : null,
        // Released by the idle release (or never used yet): it loads again on the next photo.
        loaded: r.chosen ? (sessions.get(r.chosen.id)?.loaded ?? false) : false,
        ...(r.problem ? { hint: [r.problem, r.howToGet].filter(Boolean).join(' ') } : {}),
      }));
    },
  };
}

/** Full Disk Access and library access, checked inside the daemon's own process. */
export function permissionsPort(daemon: Daemon): PermissionsPort | undefined {
  const platform = daemon.o.platform;
  if (!platform) return undefined;
  return {
    async check() {
      const r = await platform.permissions.check(daemon.libraries);
      const state = (s: string) => (s === 'granted' ? 'granted' : s === 'denied' ? 'denied' : s === 'not-applicable' ? 'not-needed' : 'unknown') as 'granted' | 'denied' | 'unknown' | 'not-needed';
      return [
        { name: 'Full Disk Access', state: state(r.fullDiskAccess), binary: r.binaryPath, howTo: r.steps.join(' ') },
        ...r.libraries.map((l) => ({ name: `library ${l.root}`, state: state(l.state === 'online' ? 'granted' : l.state === 'denied' ? 'denied' : 'not-determined'), binary: r.binaryPath, howTo: l.state === 'offline' ? 'the folder is not reachable (unmounted drive?); it is rechecked when it mounts' : r.steps.join(' ') })),
      ];
    },
  };
}

/**
 * Writeback for the page: a dry-run plan per file; apply writes at once in review mode and
 * otherwise queues the writeback pass (so the daemon's one writer does the write).
 */
export function writebackPort(daemon: Daemon): WritebackPort {
  const { db } = daemon.core;
  const config = daemon.o.config;
  const backupDir = path.join(daemon.o.places.cacheDir, 'writeback');
  // The daemon's one ExifTool writer: `rawlight writeback` and review mode never open another.
  const { xmpWriter: writer, spotlight } = daemon.core;
  const paths = (ids: readonly number[]) => ids.map((id) => getFile(db, id)?.path).filter((p): p is string => !!p);
  return {
    // An empty path list means "every file" to runWriteback: never pass one from here.
    preview: async (fileId) => {
      const p = paths([fileId]);
      return (p.length ? (await runWriteback({ db, config, writer, dryRun: true, paths: p, backupDir })).files[0] : undefined) ?? { changes: [], conflicts: [] };
    },
    run: (o) => runWriteback({ db, config, writer, spotlight, backupDir, dryRun: o.dryRun, repair: o.repair, restore: o.restore, paths: o.paths }),
    apply: async (fileIds) => {
      const p = paths(fileIds);
      if (p.length === 0) return 0;
      if (config.writeback === 'review') return (await runWriteback({ db, config, writer, spotlight, dryRun: false, paths: p, backupDir })).summary.written;
      for (const id of fileIds) requestPass(db, id, 'writeback');
      daemon.core.pipeline.wake();
      return fileIds.length;
    },
    state: (fileId) => xmpStateForFile(db, fileId),
  };
}

/** Duplicate groups on request (the judge's classifier is loaded for the call and released). */
export function duplicatesPort(daemon: Daemon): DuplicatesPort {
  return {
    async find() {
      const { db } = daemon.core;
      const { judge, close } = await judgeForLibrary(db, daemon.o.config, daemon.o.places);
      try {
        return { groups: await findDuplicates({ db, cacheDir: daemon.o.places.cacheDir, judge }), confirmedBy: judge?.name ?? 'hash' };
      } finally {
        await close();
      }
    },
    mark(fileIds, label) {
      const n = markDuplicates(daemon.core.db, fileIds, label);
      daemon.core.pipeline.wake();
      return n;
    },
  };
}

export function upkeepPort(daemon: Daemon): UpkeepPort {
  return { status: () => upkeepStatus(daemon.core.db) };
}

/** ApiDeps for a running daemon: pause/resume, libraries saved to config.json, dead-job retry. */
export function daemonApiDeps(daemon: Daemon, token: ApiDeps['token'], extra: Partial<ApiDeps> = {}): ApiDeps {
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
      wake: () => pipeline.wake(),
      libraries: () => libs,
      async addLibrary(dir) {
        const abs = resolveLibraryRoot(dir);
        if (libs.includes(abs)) return;
        checkNewLibrary(libs, abs); // never two libraries claiming the same files
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
      async index(given, passes) {
        // A folder named through a symlink is the folder it points to (never its photos twice).
        const dirs = given.map(canonicalPath);
        // An unknown name is refused before anything is walked.
        const asked = passes?.length ? withPrerequisites(pipeline.passes, passes).map((p) => p.name) : null;
        const waitFor = asked ?? pipeline.passes.map((p) => p.name);
        // Before the walk queues anything: the passes not asked for follow the asked ones.
        pipeline.focus.set(dirs, asked);
        const reports = await daemon.rescan(dirs, Priority.user);
        // A walk that could not record what it found (disk full) or was cut short by a stop is
        // logged by rescan and returns short: the caller must not wait for work that was not queued.
        if (reports.length < dirs.length) throw new DaemonError('DAEMON_STOPPED', daemon.stopping ? 'the daemon is stopping' : 'the walk of the folders failed (the daemon\'s log says why)');
        // What the walk found unchanged may be waiting in the backlog already: it goes first too
        // (an order, not work: if it cannot be written, the photos still come, in their turn).
        await raiseUnder(db, dirs, Priority.user, asked ?? undefined).catch((e: unknown) => daemon.o.log.warn({ err: e, dirs }, 'could not move the folders\' queued photos ahead of the backlog'));
        return { roots: reports.map(({ root, state, seen, added, changed, moved, gone, unreadable }) => ({ root, state, seen, added, changed, moved, gone, unreadable })), waitFor };
      },
      watchState: () => daemon.watcher?.state ?? { enabled: daemon.o.config.watch.enabled, watching: 0 },
    },
    people: peoplePort(db, () => daemon.core.grouping.runNow()),
    search: createSearchService({ db, clip: daemon.core.clip, townNames: openTownNames({ dir: daemon.o.places.cacheDir }) }),
    models: modelsPort(daemon),
    permissions: permissionsPort(daemon),
    upkeep: upkeepPort(daemon),
    duplicates: duplicatesPort(daemon),
    ...(daemon.o.config.passes.writeback && daemon.o.config.writeback !== 'off' ? { writeback: writebackPort(daemon) } : {}),
    ...extra,
  };
}

/** Starts the loopback API and page for a daemon; stopped with the daemon. */
export async function startDaemonApi(daemon: Daemon, extra: Partial<ApiDeps> = {}): Promise<{ url: string }> {
  const token = ensureToken(daemon.o.places);
  // Status and listings read through their own read-only connection: a page polling every second
  // never queues behind, nor holds up, the pipeline's writes.
  const readDb = daemon.core.dbPath === ':memory:' ? undefined : openReadonlyDb(daemon.core.dbPath);
  const api = await startServer(daemonApiDeps(daemon, tokenReader(daemon.o.places, token), { readDb, ...extra }));
  writeApiUrl(daemon.o.places, api.url);
  daemon.addStopHook('api', async () => {
    removeApiUrl(daemon.o.places);
    await api.close();
    readDb?.close();
  });
  return { url: api.url };
}
