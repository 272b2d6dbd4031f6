import path from 'node:path';
import type { Logger } from 'pino';
import sharp from 'sharp';
import type { Config } from './config/index.js';
import { storeError } from './errors/index.js';
import { ExifReader, type ReaderOptions } from './exiftool/reader.js';
import { createExifToolWriter, type XmpWriter } from './exiftool/writer.js';
import { platformAvifDecoders } from './image/avif.js';
import { platformHeicDecoders } from './image/heic.js';
import { platformJp2Decoders } from './image/jp2.js';
import { platformJxlDecoders } from './image/jxl.js';
import { createUpkeep, type Upkeep } from './jobs/index.js';
import { classifierSourceFromRegistry, clipSourceFromRegistry, type ClipSource } from './ml/clip/model-sources.js';
import { facesForFile } from './ml/faces/face.repository.js';
import { ocrSourceFromRegistry } from './ml/ocr/ocr-source.js';
import { createModelRegistry, type ModelRegistry } from './ml/registry.js';
import { DecodedPreviews } from './ml/decoded-previews.js';
import { dropFreeInputs } from './ml/input-buffers.js';
import { ModelSessions } from './ml/session.js';
import { createEmbedPass } from './passes/embed.pass.js';
import { createFacesPass } from './passes/faces.pass.js';
import { createFingerprintPass } from './passes/fingerprint.pass.js';
import { createMetadataPass } from './passes/metadata.pass.js';
import { createOcrPass } from './passes/ocr.pass.js';
import type { Pass } from './passes/pass.js';
import { createPlacesPass } from './passes/places.pass.js';
import { createPreviewPass } from './passes/preview.pass.js';
import { createScanPass } from './passes/scan.pass.js';
import { createTagsPass } from './passes/tags.pass.js';
import { createWritebackPass } from './passes/writeback.pass.js';
import { reconsiderSiblingsOnRawChange } from './watch/raw-arrival.js';
import { attachNewFaces, regroupInWorker } from './people/index.js';
import { GroupingTrigger } from './people/grouping-trigger.js';
import { PipelineBus } from './pipeline/events.js';
import { Pipeline } from './pipeline/pipeline.js';
import { withPrerequisites } from './pipeline/pass-selection.js';
import { collectGarbage } from './lifecycle/collect-garbage.js';
import { allocatorRelease } from './platform/allocator-release.js';
import { IdleRelease } from './pipeline/idle-release.js';
import { createThreadedRenderer } from './image/threaded-render.js';
import { cpuWorkers, inferenceThreads } from './pipeline/worker-count.js';
import { createThreadedGeocoder, hasTowns } from './places/index.js';
import { townNamesFresh } from './places/town-names.js';
import { libraryStatus } from './platform/library-state.js';
import type { Platform } from './platform/index.js';
import type { Places } from './platform/places.js';
import { Priority } from './queue/queue.js';
import { DB_FILE, openDb, type WritableDb } from './store/db.js';
import { noDatalessProbe, type DatalessProbe } from './platform/dataless.js';
import { Discovery } from './watch/discover.js';
import { OfflineRoots } from './watch/offline-roots.js';
import { NetworkRoots } from './watch/network-roots.js';
import { networkVolumesOf, type NetworkVolume } from './platform/network-volume.js';
import { reconcileRoot, type ReconcileReport } from './watch/reconcile.js';
import { LibraryWatcher } from './watch/watcher.js';
import { createSpotlight, isOwnWrite, reconcileJournal, recoverInterruptedWrites, removeLeftoverTemps, scheduledRepair, type SpotlightAdapter } from './xmp/index.js';

/** The start-up check of the own-write journal pauses this long between pages (see reconcileJournal). */
const JOURNAL_PAGE_PAUSE_MS = 10;

export interface CoreOptions {
  places: Places;
  config: Config;
  log: Logger;
  bus?: PipelineBus;
  dataless?: DatalessProbe;
  /** Run only these passes and the ones they read from (`index --passes`, benchmarks); default: all. */
  onlyPasses?: readonly string[];
  /** The ExifTool read pool's options (tests and benchmarks compare reads); default: its own. */
  exifReader?: ReaderOptions;
}

/**
 * The composition root: the only place that builds concrete objects and wires them together.
 * `Core` is what both `rawlight index` and `rawlight run` need (store, ExifTool, passes, pipeline,
 * discovery); the daemon adds the watcher, the API and the upkeep schedule around it.
 */
export class Core {
  readonly db: WritableDb;
  readonly exif: ExifReader;
  readonly pipeline: Pipeline;
  readonly discovery: Discovery;
  readonly bus: PipelineBus;
  readonly dbPath: string;
  readonly models: ModelRegistry;
  readonly sessions: ModelSessions;
  readonly clip: ClipSource;
  /** The one ExifTool writer (XMP) and the Spotlight adapter: the API's writeback uses them too. */
  readonly xmpWriter: XmpWriter;
  readonly spotlight: SpotlightAdapter;
  /** Groups new faces that fit no known person while an import runs (and at its end). */
  readonly grouping: GroupingTrigger;
  /**
   * Has the places worker make search's file of the towns' other names when the library has towns
   * and the file is missing or made from other data (a library geocoded by an earlier version; the
   * data upgraded): otherwise the worker makes it after its first lookup, which such a library may
   * not need for weeks.
   */
  readonly prepareTownNames: () => Promise<'fresh' | 'no towns' | 'made'>;
  private closed = false;
  /** Long-lived resources, closed in reverse order of creation after the workers have stopped. */
  private readonly closers: { name: string; close: () => unknown }[] = [];

  private constructor(readonly o: CoreOptions) {
    const { places, config, log } = o;
    this.bus = o.bus ?? new PipelineBus();
    this.dbPath = path.join(places.dataDir, DB_FILE);
    const { db, migrations } = openDb(this.dbPath);
    this.db = db;
    if (migrations.applied.length) log.info({ from: migrations.from, to: migrations.to, applied: migrations.applied }, 'database schema migrated');
    // Bounded memory: libvips' operation cache is no use for one-shot previews.
    sharp.cache(false);
    sharp.concurrency(1);
    this.exif = new ExifReader(o.exifReader);
    this.closers.push({ name: 'exiftool', close: () => this.exif.end() });
    const cacheDir = places.cacheDir;
    const dataless = o.dataless ?? noDatalessProbe;
    this.models = createModelRegistry(config, places);
    this.sessions = new ModelSessions({ log: log.child({ component: 'ml' }), intraOpNumThreads: inferenceThreads(config.queue.cpuConcurrency), intraOpSpinning: false });
    this.closers.push({ name: 'model sessions', close: () => this.sessions.close() });
    // Town index and lookups on a worker thread: building it is ~1 s of synchronous work.
    const geocoder = createThreadedGeocoder({ log: log.child({ component: 'places' }), cacheDir });
    this.closers.push({ name: 'places geocoder', close: () => geocoder.close() });
    this.prepareTownNames = async () => {
      if (townNamesFresh(cacheDir)) return 'fresh';
      if (!hasTowns(db)) return 'no towns';
      await geocoder.prepareTownNames();
      return 'made';
    };
    // Previews are decoded, hashed and encoded on threads of their own, one per CPU worker.
    const renderer = createThreadedRenderer({ threads: cpuWorkers(config.queue.cpuConcurrency), log: log.child({ component: 'preview' }) });
    this.closers.push({ name: 'preview renderer', close: () => renderer.close() });
    // One dedicated ExifTool writer, separate from the read pool; Spotlight xattrs after writes.
    const writer = createExifToolWriter({ timeoutMs: config.xmp.writeTimeoutMs });
    const spotlight = createSpotlight({ enabled: config.xmp.spotlight, finderTags: config.xmp.finderTags, batchDelayMs: 2000, log: log.child({ component: 'spotlight' }) });
    this.xmpWriter = writer;
    this.spotlight = spotlight;
    this.closers.push({
      name: 'xmp writer',
      close: async () => {
        await spotlight.close();
        await writer.end();
      },
    });
    const clip = clipSourceFromRegistry(this.models, this.sessions);
    this.clip = clip;
    this.closers.push({ name: 'clip', close: () => clip.close() });
    const classifier = classifierSourceFromRegistry(this.models, this.sessions);
    // One decode of each preview between faces, CLIP, tags and OCR (2 per CPU worker: a file's ML jobs
    // are claimed side by side); emptied whenever the queue runs dry, so an idle daemon holds no pixels.
    const decoded = new DecodedPreviews({ cacheDir, maxEntries: 2 * cpuWorkers(config.queue.cpuConcurrency) });
    this.bus.on('idle', () => decoded.clear());
    const groupingLog = log.child({ component: 'people' });
    this.grouping = new GroupingTrigger({
      // The reading and clustering run in a worker thread: the pipeline and the API go on meanwhile.
      run: () => regroupInWorker(db),
      onRun: (r) =>
        r.ok
          ? groupingLog.info({ faces: r.faces, ms: r.ms, report: r.result }, 'grouped new faces into people')
          : groupingLog.warn({ err: r.error, faces: r.faces }, 'grouping new faces failed; the next trigger or the nightly regroup retries'),
    });
    this.bus.on('idle', () => this.grouping.idle());
    const passes: Pass[] = [
      createScanPass({ dataless }),
      createMetadataPass({ exif: this.exif, sidecarStyle: config.xmp.sidecarStyle }),
      createPreviewPass({ exif: this.exif, cacheDir, heicDecoders: platformHeicDecoders(), avifDecoders: platformAvifDecoders(), jxlDecoders: platformJxlDecoders(), jp2Decoders: platformJp2Decoders(), render: renderer.render }),
      createFacesPass({ registry: this.models, sessions: this.sessions, cacheDir, config, decoded }),
      createEmbedPass({ clip, cacheDir, config, decoded }),
      createTagsPass({ clip, classifier, cacheDir, config, decoded }),
      createPlacesPass({ geocoder, config }),
      createOcrPass({ ocr: ocrSourceFromRegistry(this.models, this.sessions), cacheDir, config, decoded }),
      createFingerprintPass({ cacheDir }),
      createWritebackPass({ db, writer, spotlight, config, backupDir: path.join(cacheDir, 'writeback'), log: log.child({ component: 'writeback' }) }),
    ];
    let selected: Pass[] = passes;
    try {
      if (o.onlyPasses) selected = withPrerequisites(passes, o.onlyPasses);
    } catch (e) {
      // An unknown pass name: nothing was started yet; give back what was opened.
      for (const c of [...this.closers].reverse()) void Promise.resolve().then(c.close).catch(() => undefined);
      db.close();
      throw e;
    }
    this.pipeline = new Pipeline({
      db,
      passes: selected,
      log: log.child({ component: 'pipeline' }),
      bus: this.bus,
      concurrency: { io: config.queue.ioConcurrency, cpu: cpuWorkers(config.queue.cpuConcurrency) },
      maxAttempts: config.queue.maxAttempts,
      retryBaseMs: config.queue.retryBaseSeconds * 1000,
      leaseMs: config.queue.leaseSeconds * 1000,
      runHistoryDays: config.queue.runHistoryDays,
      passTimeoutMs: 10 * 60_000,
      onPassDone: (file, pass) => {
        if (pass.name !== 'faces') return;
        // New faces join known people at once (and XMP names are imported); the rest wait for regrouping.
        try {
          const ids = facesForFile(db, file.id).map((f) => f.id);
          if (ids.length) this.grouping.facesLeft(attachNewFaces(db, ids).left.length);
        } catch (e) {
          log.warn({ err: e, path: file.path }, 'attaching new faces to people failed; the next regroup retries');
        }
      },
    });
    // Caught up: models and the place index go after a dry spell (an idle daemon stays small).
    const releaseAllocator = allocatorRelease();
    const idleRelease = new IdleRelease({
      isIdle: () => this.pipeline.isIdle(),
      releases: [
        { name: 'models', release: () => this.sessions.park() },
        // The models' input tensors kept for the next photo (the detector's alone is 4.9 MB).
        { name: 'model inputs', release: dropFreeInputs },
        { name: 'place index', release: () => geocoder.park() },
        { name: 'preview renderer', release: () => renderer.park() },
        // ExifTool's perl processes (30-70 MB each): the next read or write starts one again.
        { name: 'exiftool', release: () => Promise.all([this.exif.park(), writer.park()]) },
        // Last: what the ones above and the import let go of is garbage only now.
        { name: 'garbage', release: () => collectGarbage() },
        // Then the C allocator's free blocks, which it would otherwise keep for reuse (~30 MiB).
        { name: 'allocator', release: releaseAllocator },
      ],
      // With the process's memory figures after it: where an idle daemon's RSS is (V8 heap vs. the rest).
      onReleased: (released, failed) => log.debug({ released, failed: failed.map((f) => f.name), memory: process.memoryUsage() }, 'queue dry: released what only imports need'),
    });
    this.bus.on('idle', () => idleRelease.queueDry());
    this.closers.push({ name: 'idle release', close: () => idleRelease.stop() });
    reconsiderSiblingsOnRawChange({ db, bus: this.bus, pipeline: this.pipeline, log });
    this.discovery = new Discovery({
      db,
      pipeline: this.pipeline,
      bus: this.bus,
      log: log.child({ component: 'discovery' }),
      dataless,
      isOwnWrite: (p, st) => isOwnWrite(db, p, st),
    });
  }

  static open(o: CoreOptions): Core {
    return new Core(o);
  }

  /** Reconciles library roots with the database (everything that changed while we were down). */
  async reconcile(roots: readonly string[], priority?: number, signal?: AbortSignal): Promise<ReconcileReport[]> {
    const out: ReconcileReport[] = [];
    for (const root of roots) {
      if (signal?.aborted) break;
      const r = await reconcileRoot(root, {
        db: this.db,
        discovery: this.discovery,
        log: this.o.log.child({ component: 'reconcile' }),
        exclude: this.o.config.exclude,
        ...(priority !== undefined ? { priority } : {}),
        ...(signal ? { signal } : {}),
      });
      this.o.log.info(r, 'library reconciled');
      for (const t of removeLeftoverTemps(this.db, r.leftoverTemps)) {
        (t.action === 'temp-removed' ? this.o.log.info : this.o.log.warn).call(this.o.log, { path: t.path, action: t.action, detail: t.detail }, 'temp sidecar of an interrupted XMP write');
      }
      out.push(r);
    }
    // A walk that added many files changed the tables' shape: fresh planner statistics for the claim.
    if (out.reduce((n, r) => n + r.added + r.changed, 0) >= LARGE_IMPORT_FILES) this.pipeline.optimize();
    return out;
  }

  /**
   * The end of a one-shot import (`rawlight index`): waits until nothing is runnable (and for
   * retries due within `retryWithinMs`), groups the new faces that fit no known person, then runs
   * what that grouping queued. Grouping can put a face into a named person (a name imported from
   * another photo's XMP later in the same import): that photo's writeback then runs here, not at
   * the daemon's next start, so the name is in its XMP when the import returns.
   */
  async settleImport(retryWithinMs: number, pollMs = 100): Promise<{ waitingRetries: number; nextRetryAt: number | null }> {
    let settled = await this.pipeline.whenSettled(retryWithinMs, pollMs);
    await this.grouping.flush();
    if (!this.pipeline.isIdle()) {
      this.pipeline.wake();
      settled = await this.pipeline.whenSettled(retryWithinMs, pollMs);
    }
    return settled;
  }

  /** Shutdown order: stop taking work, let passes finish or release leases, end ExifTool, checkpoint, close. */
  async close(graceMs = 10_000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pipeline.stop(graceMs);
    await this.grouping.close();
    for (const c of this.closers.reverse()) {
      try {
        await c.close();
      } catch (e) {
        this.o.log.warn({ err: e, what: c.name }, 'error while closing');
      }
    }
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* best effort */
    }
    this.db.close();
  }
}

/** A walk that adds or changes this many files counts as a large import (PRAGMA optimize after it). */
const LARGE_IMPORT_FILES = 1000;

export interface DaemonOptions extends CoreOptions {
  /** Library folders (config `libraries`, or `run --library`). */
  libraries: readonly string[];
  platform?: Platform;
  /** How often a library folder that is away (its drive unplugged) is looked for (default 30 s). */
  offlineRecheckMs?: number;
  /** The file server each library is on (default: this OS' mount table; tests pass their own). */
  networkVolumes?: (roots: readonly string[]) => Promise<(NetworkVolume | null)[]>;
  /** How often a library on a file server is walked (default: config watch.networkRescanMinutes). */
  networkRescanMs?: number;
}

/**
 * The long-running daemon: Core plus the watcher, reconciling on start. The API and the upkeep
 * schedule attach to it through `onStart` hooks set by the run command.
 */
export class Daemon {
  readonly core: Core;
  watcher: LibraryWatcher | null = null;
  upkeep: Upkeep | null = null;
  /** The towns' other names made after start when they had to be, once the queue is dry (settles on stop too, never rejects). */
  townNames: Promise<void> = Promise.resolve();
  private readonly stopHooks: { name: string; stop: () => unknown }[] = [];
  private reconciling: Promise<unknown> = Promise.resolve();
  private starting: Promise<void> | null = null;
  private readonly abort = new AbortController();

  /** The live list of library roots (changes when the API adds or removes one). */
  readonly libraries: string[];
  /** Roots that are away (a drive unplugged or not yet plugged in): watched and walked once back. */
  readonly offline: OfflineRoots;
  /** Roots on a file server, whose changes made elsewhere raise no event: walked on a timer. */
  readonly network: NetworkRoots;

  constructor(readonly o: DaemonOptions) {
    this.core = Core.open(o);
    this.libraries = [...o.libraries];
    this.offline = new OfflineRoots({
      isOnline: async (root) => (await libraryStatus(root)).state === 'online',
      back: async (root) => {
        if (this.stopping || !this.libraries.includes(root)) return;
        // A new watcher: the old one has no watch on a root that was missing when it started
        // (macOS' FSEvents stream, Linux' inotify watches end with the unmount).
        await this.restartWatcher();
        await this.rescan([root]);
        await this.network.update(this.libraries); // a share mounted again
      },
      intervalMs: o.offlineRecheckMs ?? 30_000,
      log: o.log.child({ component: 'watch' }),
    });
    this.network = new NetworkRoots({
      volumesOf: o.networkVolumes ?? ((roots) => networkVolumesOf(roots)),
      walk: (root) => this.rescan([root]),
      intervalMs: o.networkRescanMs ?? o.config.watch.networkRescanMinutes * 60_000,
      log: o.log.child({ component: 'watch' }),
    });
    // A pass that found its file's library folder gone (before the watcher said so, or with no watcher).
    this.core.bus.on('root-away', ({ root }) => {
      if (this.libraries.includes(root)) this.offline.add(root);
    });
  }

  /** Registers something to stop before the core closes (API, upkeep); stopped in reverse order. */
  addStopHook(name: string, stop: () => unknown): void {
    this.stopHooks.push({ name, stop });
  }

  /** A library added at run time (API): watch it and walk it. */
  async addLibrary(dir: string): Promise<void> {
    if (!this.libraries.includes(dir)) this.libraries.push(dir);
    await this.restartWatcher();
    await this.rescan([dir]);
    await this.network.update(this.libraries);
  }

  /** A library removed at run time: stop watching it; its files stay indexed (offline). */
  async removeLibrary(dir: string): Promise<void> {
    const i = this.libraries.indexOf(dir);
    if (i >= 0) this.libraries.splice(i, 1);
    this.offline.remove(dir);
    await this.network.update(this.libraries);
    await this.restartWatcher();
    this.core.discovery.markRootOffline(dir);
  }

  /**
   * Walks a folder (or every library) again; serialised so two walks never interleave. `priority`:
   * what the walk queues (a user's `rawlight index` through the daemon: ahead of the backlog).
   */
  rescan(dirs: readonly string[] = this.libraries, priority: number = Priority.walk): Promise<ReconcileReport[]> {
    const run = this.reconciling.then(() =>
      this.core.reconcile(dirs.length ? dirs : this.libraries, priority, this.abort.signal).then(
        (reports) => {
          // A library that is away (at start, or found so by the nightly walk) is looked for until it is back.
          for (const r of reports) if (r.state === 'offline' && this.libraries.includes(r.root)) this.offline.add(r.root);
          return reports;
        },
        (e: unknown) => {
          // A walk that cannot record what it found (disk full) is logged; the next walk catches up.
          const err = storeError(e);
          this.o.log.error({ err: e, code: err.code }, `library walk stopped: ${err.message}`);
          return [] as ReconcileReport[];
        },
      ),
    );
    this.reconciling = run;
    return run;
  }

  /** True once stop() has begun: start() stops at its next step, and nothing new attaches. */
  get stopping(): boolean {
    return this.abort.signal.aborted;
  }

  async start(): Promise<void> {
    this.starting = this.startSteps();
    return this.starting;
  }

  private async startSteps(): Promise<void> {
    const { config, log } = this.o;
    // Writes interrupted or edited while we were down: their photos' metadata is read again.
    for (const r of await recoverInterruptedWrites(this.core.db)) {
      (r.action === 'restored' || r.action === 'temp-removed' ? log.info : log.error).call(log, { path: r.path, action: r.action, detail: r.detail }, 'interrupted XMP write recovered at start');
    }
    // The journal of rawlight's own writes is checked against the sidecars later, beside the
    // pipeline (below); the writes this run begins are its own.
    const journalBefore = Date.now();
    this.core.pipeline.start();
    // Not waited for: after an upgrade that reads every photo again, the daemon answers and works
    // meanwhile (pipeline.sweepInBackground).
    void this.core.pipeline
      .sweepInBackground()
      .then((queued) => queued && log.info({ queued }, 'queued passes whose version or inputs changed'))
      .catch((e: unknown) => log.error({ err: e }, 'the start-up sweep failed; the next start sweeps again'));
    await this.restartWatcher();
    if (this.stopping) return;
    const reports = await this.rescan();
    if (this.stopping) return;
    await this.checkWatchLimits(reports);
    await this.network.update(this.libraries);
    if (this.stopping) return;
    // Not waited for, and once the queue is dry (at once when caught up): a few seconds of one core
    // on the places worker, once after an upgrade; an import in progress keeps the cores.
    const dry = this.core.pipeline.isIdle()
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          this.core.bus.once('idle', () => resolve());
          this.abort.signal.addEventListener('abort', () => resolve(), { once: true });
        });
    this.townNames = dry.then(() => (this.stopping ? 'fresh' : this.core.prepareTownNames())).then(
      (r) => void (r === 'made' && log.info('made the file of the towns\' other names for search ("München" finds Munich)')),
      (e: unknown) => void (this.stopping || log.warn({ err: e }, 'could not make the file of the towns\' other names; search finds towns by their own names')),
    );
    // The own-write journal against the sidecars (an entry per sidecar rawlight wrote: 250K stats
    // in a big library), once the queue is dry and a page at a time: at once beside a first
    // import's backlog it raised the API's p99 under load from 36-41 to 56-65 ms (`npm run bench
    // scale`). Nothing waits for it: until then an entry that no longer matches its sidecar only
    // means that sidecar is read again (the walk compares signatures), as for anyone's edit.
    void dry
      .then(() => (this.stopping ? null : reconcileJournal(this.core.db, { startedBefore: journalBefore, signal: this.abort.signal, pauseMs: JOURNAL_PAGE_PAUSE_MS })))
      .then((journal) => journal?.changed.length && log.info({ changed: journal.changed.length, gone: journal.gone }, 'sidecars changed since rawlight wrote them; their metadata is read again'))
      .catch((e: unknown) => log.warn({ err: e }, 'checking the journal of rawlight\'s own XMP writes failed; the next start checks it again'));
    // Scheduled upkeep (bree schedules; the jobs run in this process on the one writable handle).
    const upkeep = createUpkeep({
      db: this.core.db,
      dbPath: this.core.dbPath,
      places: this.o.places,
      config,
      log: log.child({ component: 'upkeep' }),
      deps: {
        reconcile: () => this.rescan(),
        regroup: () => this.core.grouping.runNow(),
        // The daemon's one writer; the same repair as `rawlight writeback --repair`.
        repair: () => scheduledRepair({ db: this.core.db, config, writer: this.core.xmpWriter, spotlight: this.core.spotlight, backupDir: path.join(this.o.places.cacheDir, 'writeback') }),
      },
    });
    await upkeep.start();
    this.upkeep = upkeep;
    this.addStopHook('upkeep', () => upkeep.stop());
    const platform = this.o.platform;
    if (platform) {
      // After the first big import, go back to launchd's Background class (turbo ends).
      this.core.bus.on('idle', () => void platform.agent.settle().catch((e: unknown) => log.warn({ err: e }, 'could not settle the agent')));
    }
  }

  /**
   * Linux inotify needs one watch per folder, counted per user: say clearly when the libraries
   * need more than the system allows (events in the unwatched folders are then only caught by the
   * nightly reconcile).
   */
  private async checkWatchLimits(reports: readonly ReconcileReport[]): Promise<void> {
    const platform = this.o.platform;
    if (!platform || this.watcher?.backend !== 'chokidar') return;
    const limits = await platform.watchLimits().catch(() => null);
    const dirs = reports.reduce((n, r) => n + r.dirs, 0);
    if (!limits?.maxUserWatches) return;
    const others = Math.max(0, (limits.usedWatches ?? 0) - (limits.usedByThisProcess ?? 0));
    const fields = { folders: dirs, maxUserWatches: limits.maxUserWatches, usedByOtherProcesses: others };
    if (dirs + others > limits.maxUserWatches) {
      this.o.log.error(fields, `the libraries have ${dirs} folders but inotify allows ${limits.maxUserWatches} watches for this user (${others} used elsewhere): raise it with 'sudo sysctl fs.inotify.max_user_watches=${Math.max(524288, 2 ** Math.ceil(Math.log2((dirs + others) * 2)))}' (and in /etc/sysctl.d/ to keep it); until then changes in some folders are only found by the nightly reconcile`);
    } else {
      this.o.log.info(fields, 'inotify watches suffice for the libraries');
    }
  }

  private async restartWatcher(): Promise<void> {
    const { config, log } = this.o;
    await this.watcher?.close();
    this.watcher = null;
    if (config.watch.enabled && this.libraries.length) {
      this.watcher = new LibraryWatcher({
        db: this.core.db,
        discovery: this.core.discovery,
        log: log.child({ component: 'watch' }),
        roots: [...this.libraries],
        exclude: config.exclude,
        settleMs: config.watch.settleMs,
        backend: config.watch.backend,
        rescan: async (dir) => {
          const root = this.libraries.find((r) => dir === r || dir.startsWith(r + path.sep));
          if (root) await this.rescan([root]);
        },
        onRootAway: (root) => this.offline.add(root),
      });
      // Watch first, then walk: a change during the walk is seen by one or the other.
      await this.watcher.start();
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    // A stop that arrives while starting (SIGTERM during the first walk) lets start() reach a
    // step boundary first, so nothing attaches to a closed database.
    this.abort.abort();
    await this.starting?.catch(() => undefined);
    await this.offline.close();
    await this.network.close();
    await this.watcher?.close();
    for (const h of [...this.stopHooks].reverse()) {
      try {
        await h.stop();
      } catch (e) {
        this.o.log.warn({ err: e, what: h.name }, 'error while stopping');
      }
    }
    await this.core.close(graceMs);
  }
}
