// The layers README's "Architecture" section draws, as code: `npm test` runs
// `depcruise src` with this file, so a wrong import fails the build instead of waiting for review.
//
// Bottom to top (a folder may import its own layer's listed peers and anything below it):
//   1 errors, log, geometry                 (pure: import nothing of ours but each other)
//   2 platform, lifecycle                   (the OS: paths, launchd/systemd, xattrs, lock, shutdown)
//   3 config
//   4 store; the adapters exiftool, image, ml, places; xmp (also exiftool); search (also ml)
//   5 queue; passes (adapters, never the queue); people (grouping: ml, queue); duplicates (grouping: store, queue)
//   6 pipeline, watch, jobs, api            (each binds lower layers to an outside trigger)
//   7 main.ts + daemon-api.ts               (composition: build and wire concrete objects)
//   cli/ commands                           (entry points; may reach anything, nothing reaches them)
// Each rule lists what a folder may NOT import; new folders get a rule before they get code.

/** A path pattern for the given top-level src folders. */
const dirs = (...names) => `^src/(${names.join('|')})/`;
const COMPOSITION = '^src/(main|daemon-api)\\.ts$';
const ENTRY = '^src/cli/';

/** Upper layers, as seen from each layer. */
const ABOVE_4 = ['queue', 'passes', 'people', 'pipeline', 'watch', 'jobs', 'api'];
const ABOVE_5 = ['pipeline', 'watch', 'jobs', 'api'];

/** `from` may import nothing in `to` (nor the composition root nor cli/). */
function layer(name, from, to, comment) {
  return {
    name,
    comment,
    severity: 'error',
    from: { path: from },
    to: { path: to.length ? `${dirs(...to)}|${COMPOSITION}|${ENTRY}` : `${COMPOSITION}|${ENTRY}` },
  };
}

module.exports = {
  forbidden: [
    layer('pure-core', dirs('errors', 'log', 'geometry'), ['platform', 'lifecycle', 'config', 'store', 'exiftool', 'image', 'ml', 'places', 'xmp', 'search', ...ABOVE_4], 'errors/, log/ and geometry/ are the bottom layer: they import nothing of ours but each other'),
    layer('platform-below-config', dirs('platform', 'lifecycle'), ['config', 'store', 'exiftool', 'image', 'ml', 'places', 'xmp', 'search', ...ABOVE_4], 'platform/ and lifecycle/ talk to the OS only'),
    layer('config-below-store', dirs('config'), ['store', 'exiftool', 'image', 'ml', 'places', 'xmp', 'search', ...ABOVE_4], 'config/ is read by everything above it and reads nothing but platform/'),
    layer('store-below-adapters', dirs('store'), ['exiftool', 'image', 'ml', 'places', 'xmp', 'search', ...ABOVE_4], 'store/ holds SQL and migrations; it knows no adapter or upper layer'),
    layer('adapters-independent', dirs('exiftool', 'image', 'places'), ['ml', 'xmp', 'search', ...ABOVE_4], 'exiftool/, image/ and places/ are leaves over the store'),
    layer('ml-no-xmp', dirs('ml'), ['xmp', 'search', ...ABOVE_4], 'ml/ runs models; XMP and search sit beside or above it'),
    layer('xmp-no-ml', dirs('xmp'), ['ml', 'image', 'search', ...ABOVE_4], 'xmp/ writes what passes found; geometry it shares with ml/ lives in geometry/'),
    layer('search-over-ml', dirs('search'), ['xmp', ...ABOVE_4], 'search/ reads the store and ml/ embeddings'),
    layer('queue-over-store', dirs('queue'), ['exiftool', 'image', 'ml', 'places', 'xmp', 'search', 'passes', 'people', ...ABOVE_5], 'queue/ is durable jobs over the store; it knows no pass'),
    layer('passes-never-queue', dirs('passes'), ['queue', 'people', ...ABOVE_5], 'a pass knows nothing of the queue, the watcher or the API (README: one file per pass, the contract as data)'),
    layer('people-below-bindings', dirs('people'), ['passes', ...ABOVE_5], 'people/ groups faces; the pipeline, jobs and api call it'),
    layer('duplicates-below-bindings', dirs('duplicates'), ['passes', 'people', ...ABOVE_5], 'duplicates/ groups copies and bursts from stored fingerprints; the api and cli call it'),
    layer('pipeline-binds-passes', dirs('pipeline'), ['watch', 'jobs', 'api'], 'pipeline/ binds queue jobs to passes; the watcher, jobs and api feed it'),
    layer('watch-feeds-pipeline', dirs('watch'), ['passes', 'jobs', 'api'], 'watch/ turns file events into the pipeline\'s work; it never runs a pass itself'),
    layer('jobs-enqueue', dirs('jobs'), ['watch', 'api', 'passes'], 'jobs/ are schedules over the queue, store and people'),
    layer('api-reads', dirs('api'), ['watch', 'jobs', 'passes'], 'api/ serves the read model and queues requests through ports'),
    {
      name: 'one-composition-root',
      comment: 'main.ts (and daemon-api.ts, which builds the API ports from the daemon) are imported only by cli/ entry points',
      severity: 'error',
      from: { path: '^src/', pathNot: `${ENTRY}|${COMPOSITION}` },
      to: { path: COMPOSITION },
    },
    {
      name: 'cli-not-imported-by-daemon',
      comment: 'cli/ holds one file per command; the daemon never imports it (move shared logic down a layer)',
      severity: 'error',
      from: { path: '^src/', pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'one-onnx-session-factory',
      comment: 'onnxruntime is reached only through ml/ (ModelSessions: one worker thread, CoreML where available)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/ml/' },
      to: { path: 'node_modules/onnxruntime-node/' },
    },
    {
      name: 'src-never-imports-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(tests|bench|scripts)/' },
    },
    { name: 'no-circular-folders', severity: 'error', comment: 'import cycles between files', from: { path: '^src/' }, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.node'] },
  },
};
