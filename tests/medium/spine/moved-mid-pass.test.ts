// A folder renamed while its photos are being processed (a card imported, then sorted at once): a
// pass that opens a photo at its old path finds nothing there. The photo is not gone, it moved, and
// the step must still happen. It used to be lost: the photo was marked gone, the move then found it
// again and kept its results, and the steps it had missed (preview, faces, writeback) never ran.
import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { DaemonError } from '../../../src/errors/index.js';
import type { Pass } from '../../../src/passes/pass.js';
import { Priority } from '../../../src/queue/queue.js';
import { openDb } from '../../../src/store/db.js';
import { testDiscovery } from '../../helpers/discovery.js';

function setup(t: TestContext) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-moved-mid-pass-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lib = path.join(dir, 'lib');
  mkdirSync(path.join(lib, 'Card'), { recursive: true });
  writeFileSync(path.join(lib, 'Card', 'a.jpg'), 'pixels');
  const { db } = openDb(path.join(dir, 'rawlight.db'));
  t.after(() => db.close());
  return { lib, db };
}

const observation = (lib: string, p: string) => ({ path: p, root: lib, stat: lstatSync(p, { bigint: true }), sidecar: null });

test('a pass finding the photo moved (the move already recorded): the step runs again at its new path', async (t) => {
  const { lib, db } = setup(t);
  const tried: string[] = [];
  let discovery!: ReturnType<typeof testDiscovery>['discovery'];
  const preview: Pass = {
    name: 'preview', version: 1, resource: 'cpu', after: [], description: 'preview',
    inputKey: () => 'k',
    run: async (ctx) => {
      tried.push(ctx.file.path);
      if (tried.length === 1) {
        // The user renames the folder while the pass reads; the watcher records the move first.
        renameSync(path.join(lib, 'Card'), path.join(lib, 'Sorted'));
        await discovery.observeMany([observation(lib, path.join(lib, 'Sorted', 'a.jpg'))], Priority.watch);
        throw new DaemonError('FILE_NOT_FOUND', ctx.file.path);
      }
      return {};
    },
  };
  const wired = testDiscovery(db, [preview]);
  discovery = wired.discovery;
  await discovery.observeMany([observation(lib, path.join(lib, 'Card', 'a.jpg'))], Priority.watch);
  wired.pipeline.start();
  try {
    for (let i = 0; i < 500 && tried.length < 2; i++) await new Promise((r) => setImmediate(r));
  } finally {
    await wired.pipeline.stop(100);
  }
  assert.deepEqual(tried, [path.join(lib, 'Card', 'a.jpg'), path.join(lib, 'Sorted', 'a.jpg')]);
  assert.deepEqual(db.prepare(`SELECT path, state FROM files`).all(), [{ path: path.join(lib, 'Sorted', 'a.jpg'), state: 'present' }]);
  assert.equal(db.prepare(`SELECT status FROM pass_results WHERE pass = 'preview'`).pluck().get(), 'ok');
});

test('a photo marked gone by a pass, then found moved: the steps it missed are queued', async (t) => {
  const { lib, db } = setup(t);
  const passes: Pass[] = ['scan', 'preview', 'writeback'].map((name, i, all) => ({
    name, version: 1, resource: 'cpu', after: i === 0 ? [] : [all[i - 1]!], description: name,
    inputKey: () => 'k',
    run: async () => ({}),
  }));
  const { discovery } = testDiscovery(db, passes);
  await discovery.observeMany([observation(lib, path.join(lib, 'Card', 'a.jpg'))], Priority.watch);
  // Its scan done; its preview found it vanished (the folder was being renamed): marked gone.
  db.prepare(`INSERT INTO pass_results (file_id, pass, version, input_key, status, completed_at, duration_ms) SELECT id, 'scan', 1, 'k', 'ok', 0, 1 FROM files`).run();
  db.prepare(`DELETE FROM jobs`).run();
  db.prepare(`UPDATE files SET state = 'gone', gone_at = 1`).run();
  renameSync(path.join(lib, 'Card'), path.join(lib, 'Sorted'));
  const changes = await discovery.observeMany([observation(lib, path.join(lib, 'Sorted', 'a.jpg'))], Priority.watch);
  assert.deepEqual([...changes.values()], ['moved']);
  assert.deepEqual(db.prepare(`SELECT pass, priority FROM jobs ORDER BY pass`).all(), [{ pass: 'preview', priority: Priority.watch }, { pass: 'writeback', priority: Priority.watch }], 'the steps without a result; scan is done');
});
