import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { collectGarbage } from '../../../src/lifecycle/collect-garbage.js';
import { allocatorRelease, releaseTarget, runsOnGlibc, type NativeBinder } from '../../../src/platform/allocator-release.js';

/** A binder that records what it was asked to bind and call, answering `result`. */
function recordingBinder(result: number): { bind: NativeBinder; binds: string[]; calls: unknown[][] } {
  const binds: string[] = [];
  const calls: unknown[][] = [];
  return {
    binds,
    calls,
    bind: async (library, declaration) => {
      binds.push(`${library}: ${declaration}`);
      return (...args: unknown[]) => {
        calls.push(args);
        return result;
      };
    },
  };
}

test('macOS: every malloc zone is asked to give back all it can, through libSystem', async () => {
  const r = recordingBinder(31_457_280);
  const release = allocatorRelease('darwin', { bind: r.bind });
  assert.deepEqual(await release(), { call: 'size_t malloc_zone_pressure_relief(void *zone, size_t goal)', result: 31_457_280 });
  await release();
  assert.deepEqual(r.binds, ['/usr/lib/libSystem.B.dylib: size_t malloc_zone_pressure_relief(void *zone, size_t goal)'], 'bound once');
  assert.deepEqual(r.calls, [[null, 0], [null, 0]], 'NULL zone (all of them), goal 0 (as much as possible)');
});

test('Linux: glibc trims every arena; musl and other systems have nothing to call', async () => {
  const r = recordingBinder(1);
  assert.deepEqual(await allocatorRelease('linux', { glibc: true, bind: r.bind })(), { call: 'int malloc_trim(size_t pad)', result: 1 });
  assert.deepEqual(r.binds, ['libc.so.6: int malloc_trim(size_t pad)']);
  assert.deepEqual(r.calls, [[0]]);
  assert.equal(await allocatorRelease('linux', { glibc: false, bind: r.bind })(), null);
  assert.equal(await allocatorRelease('freebsd', { bind: r.bind })(), null);
  assert.equal(r.binds.length, 1, 'nothing bound where there is nothing to call');
  assert.equal(releaseTarget('win32', false), null);
});

test('the glibc check never makes a process report that resolves the open sockets by reverse DNS', async (t) => {
  // At the idle release the daemon holds the page's connections; a report with its network part
  // does two blocking PTR lookups per socket (nodejs/node#46060), seconds each where DNS drops them.
  const server = createServer((socket) => socket.end()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  t.after(() => {
    client.destroy();
    server.close();
  });
  // excludeNetwork (Node 20.13+) is missing from this @types/node.
  const report = process.report as NodeJS.ProcessReport & { excludeNetwork: boolean };
  const real = report.getReport.bind(report);
  const withNetwork: boolean[] = [];
  t.mock.method(report, 'getReport', (...args: Parameters<typeof real>) => {
    withNetwork.push(!report.excludeNetwork);
    return real(...args);
  });
  const glibc = runsOnGlibc();
  assert.deepEqual(withNetwork.filter(Boolean), [], 'no report with the network part');
  t.mock.restoreAll();
  const before = report.excludeNetwork;
  report.excludeNetwork = true;
  const header = (real() as { header: { glibcVersionRuntime?: string } }).header;
  report.excludeNetwork = before;
  assert.equal(glibc, process.platform === 'linux' && typeof header.glibcVersionRuntime === 'string', 'and the answer is the runtime\'s');
});

test('a library that cannot be bound fails the first release (so it is logged once), then stays quiet', async () => {
  let tries = 0;
  const release = allocatorRelease('linux', {
    glibc: true,
    bind: async () => {
      tries++;
      throw new Error('koffi: cannot load libc.so.6');
    },
  });
  await assert.rejects(release(), /cannot load libc/);
  assert.equal(await release(), null);
  assert.equal(tries, 1);
});

const rssMiB = () => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

test('Linux for real: freed blocks held in the middle of the heap go back to the OS', async (t) => {
  if (process.platform !== 'linux' || !runsOnGlibc()) return t.skip('glibc only');
  // 2,000 malloc'd blocks of ~60 KB (under glibc's mmap threshold), every other
  // one kept: the freed half sits between live blocks, where glibc's own top-of-heap trim never reaches.
  let blocks: Buffer[] | null = Array.from({ length: 2000 }, (_, i) => Buffer.alloc(60_000 + i, 1));
  const kept = blocks.filter((_, i) => i % 2 === 0);
  blocks = null;
  assert.ok(collectGarbage(), 'a full collection frees the dropped buffers');
  // V8 frees array buffers' memory on a background thread after the collection: wait until the
  // process's RSS stops moving (no timing assumption: polled on real progress, bounded).
  let before = rssMiB();
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setImmediate(r));
    const now = rssMiB();
    if (Math.abs(now - before) < 0.5) break;
    before = now;
  }
  const r = await allocatorRelease()();
  const after = rssMiB();
  assert.equal(r?.call, 'int malloc_trim(size_t pad)');
  assert.ok(before - after > 20, `RSS ${before.toFixed(1)} → ${after.toFixed(1)} MiB: ~58 MB of freed blocks should have gone back`);
  assert.equal(kept.length, 1000);
});
