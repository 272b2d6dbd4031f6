import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { isDaemonError } from '../../../src/errors/index.js';
import { acquireLock, readLockOwner, type DaemonLock } from '../../../src/lifecycle/lock.js';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const LOCK_URL = pathToFileURL(path.join(REPO, 'src/lifecycle/lock.ts')).href;

/**
 * A child that takes the lock, says so, and holds it until killed. It keeps no reference to the
 * lock and forces a full GC before saying so: a lock that lived only as long as its JS object was
 * how two processes could both hold it under load (GC came sooner and closed the SQLite handle).
 */
function holderScript(dir: string): string {
  const file = path.join(dir, 'holder.mts');
  writeFileSync(
    file,
    `import { acquireLock } from ${JSON.stringify(LOCK_URL)};
try {
  acquireLock(process.argv[2]);
  globalThis.gc();
  process.stdout.write('locked ' + process.pid + '\\n');
  setInterval(() => {}, 1000);
} catch (e) {
  process.stdout.write('refused ' + e.code + ' ' + JSON.stringify(e.details) + '\\n');
  process.exit(3);
}
`,
  );
  return file;
}

async function firstLine(child: ChildProcess): Promise<string> {
  let buf = '';
  for await (const chunk of child.stdout!) {
    buf += String(chunk);
    if (buf.includes('\n')) return buf.split('\n')[0]!;
  }
  return buf;
}

describe('daemon lock', () => {
  const t = tempDir('rawlight-lock-');
  after(() => t.cleanup());
  const dataDir = path.join(t.dir, 'data');
  const script = holderScript(t.dir);

  test('a second daemon is refused with the first one\'s pid; a kill -9\'d holder\'s lock is taken over', async () => {
    let lock: DaemonLock | undefined;
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, dataDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      assert.equal(await firstLine(child), `locked ${child.pid}`);
      assert.throws(
        () => acquireLock(dataDir),
        (e) => isDaemonError(e) && e.code === 'DAEMON_ALREADY_RUNNING' && e.details?.pid === child.pid && e.message.includes(`pid ${child.pid}`),
      );
      assert.equal(readLockOwner(dataDir)?.pid, child.pid);
      child.kill('SIGKILL');
      await once(child, 'exit');
      // The kernel dropped the dead process's lock: no stale-pid guessing needed.
      lock = acquireLock(dataDir);
      assert.equal(readLockOwner(dataDir)?.pid, process.pid);
      // ...and now the roles are reversed: a new process is refused, naming us.
      const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, dataDir], { cwd: REPO, encoding: 'utf8' });
      assert.equal(r.status, 3, r.stderr);
      assert.match(r.stdout, new RegExp(`^refused DAEMON_ALREADY_RUNNING \\{"pid":${process.pid},`));
      lock.release();
      lock.release(); // idempotent
      assert.equal(existsSync(path.join(dataDir, 'daemon.pid')), false);
    } finally {
      // A failed assertion must not leak our lock into the next test.
      lock?.release();
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('within one process the lock is not taken twice; after release it can be taken again', () => {
    const a = acquireLock(dataDir);
    try {
      assert.throws(() => acquireLock(dataDir), (e) => isDaemonError(e) && e.code === 'DAEMON_ALREADY_RUNNING');
    } finally {
      a.release();
    }
    const b = acquireLock(dataDir);
    b.release();
  });
});
