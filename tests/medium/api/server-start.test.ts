import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startServer, type RunningServer } from '../../../src/api/server.js';
import { parseConfig } from '../../../src/config/index.js';
import { makeHarness, passResult, seedFile, TOKEN, type Harness } from './harness.js';

/** Reads SSE frames from a real socket until `want` returns true (or the deadline). */
async function readEvents(url: string, want: (events: { event: string; data: unknown }[]) => boolean, trigger: () => void, timeoutMs = 8000) {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await fetch(url, { signal: ac.signal, headers: { accept: 'text/event-stream', 'x-rawlight-token': TOKEN } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const events: { event: string; data: unknown }[] = [];
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  let triggered = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (ev && data) events.push({ event: ev, data: JSON.parse(data) });
      }
      if (!triggered && events.length) {
        triggered = true;
        trigger();
      }
      if (want(events)) break;
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

describe('startServer on real sockets', () => {
  let h: Harness;
  let srv: RunningServer;
  let fileId: number;

  before(async () => {
    h = makeHarness({ configRaw: { api: { port: 0 } } });
    fileId = await seedFile(h, { rel: 'photos/scenes/dog_corgi.jpg' });
    srv = await startServer(h.deps);
  });
  after(async () => {
    await srv.close();
    h.cleanup();
  });

  test('listens on loopback and answers on 127.0.0.1 (and ::1 when the machine has it)', async () => {
    assert.match(srv.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await fetch(`${srv.url}api/status`, { headers: { 'x-rawlight-token': TOKEN } });
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { files: number }).files, 1);
    const addrs = srv.addresses;
    assert.ok(addrs.every((a) => a === '127.0.0.1' || a === '::1'), addrs.join(','));
    // The README promises ::1 whenever the machine has an IPv6 loopback (whatever /etc/hosts says).
    const hasV6 = await new Promise<boolean>((resolve) => {
      const s = net.createServer().once('error', () => resolve(false));
      s.listen({ host: '::1', port: 0 }, () => s.close(() => resolve(true)));
    });
    assert.equal(addrs.includes('::1'), hasV6, `::1 bound: ${addrs.join(',')}`);
    if (hasV6) {
      assert.equal((await fetch(`http://[::1]:${srv.port}/api/status`, { headers: { 'x-rawlight-token': TOKEN } })).status, 200);
      assert.equal((await fetch(`http://[::1]:${srv.port}/api/status`)).status, 401, 'the same hooks guard ::1');
    }
    const page = await fetch(srv.url);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null, 'a plain GET / signs nobody in');
  });

  test('SSE: the current status at once, then pipeline events and status changes live', async () => {
    const events = await readEvents(
      `${srv.url}api/events`,
      (evs) => evs.some((e) => e.event === 'pass-done') && evs.filter((e) => e.event === 'status').length >= 2,
      () => {
        passResult(h, fileId, 'metadata', 'ok');
        h.bus.emit('pass-done', { fileId, path: '/x/dog_corgi.jpg', pass: 'metadata', status: 'ok', durationMs: 12 });
      },
    );
    const statuses = events.filter((e) => e.event === 'status').map((e) => e.data as { passes: Record<string, { done: number }> });
    assert.equal(statuses[0]!.passes.metadata?.done ?? 0, 0);
    assert.equal(statuses.at(-1)!.passes.metadata!.done, 1, 'progress advanced without a reload');
    assert.deepEqual((events.find((e) => e.event === 'pass-done')!.data as { pass: string }).pass, 'metadata');
  });

  test('past the stream cap: 429 with Retry-After (EventSource gives up on it; the page retries by itself)', async () => {
    const capped = await startServer({ ...h.deps, sseMaxClients: 1 });
    const ac = new AbortController();
    try {
      const first = await fetch(`${capped.url}api/events`, { signal: ac.signal, headers: { 'x-rawlight-token': TOKEN } });
      assert.equal(first.status, 200);
      const second = await fetch(`${capped.url}api/events`, { headers: { 'x-rawlight-token': TOKEN } });
      assert.equal(second.status, 429);
      assert.equal(second.headers.get('retry-after'), '10');
      assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'API_TOO_MANY_STREAMS');
      const noToken = await fetch(`${capped.url}api/events`);
      assert.equal(noToken.status, 401, 'the stream needs the token like every /api route');
    } finally {
      ac.abort();
      await capped.close();
    }
  });

  test('a taken port moves to the next free one and says so', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: 0 }, r));
    const taken = (blocker.address() as net.AddressInfo).port;
    const warnings: string[] = [];
    const log = Object.assign(Object.create(h.deps.log) as typeof h.deps.log, { warn: (_o: unknown, msg: string) => void warnings.push(msg), info: () => undefined });
    const cfg = parseConfig({ libraries: [h.library], api: { port: taken } });
    try {
      const s2 = await startServer({ ...h.deps, config: cfg, log });
      try {
        assert.notEqual(s2.port, taken);
        assert.ok(s2.port > taken && s2.port < taken + 10);
        assert.match(warnings.join('\n'), new RegExp(`port ${taken} is in use; using ${s2.port}`));
        // Host checks follow the port actually bound.
        assert.equal((await fetch(`${s2.url}api/status`, { headers: { 'x-rawlight-token': TOKEN } })).status, 200);
      } finally {
        await s2.close();
      }
      await assert.rejects(startServer({ ...h.deps, config: cfg, log }, { portTries: 1 }), /API port is already in use/);
    } finally {
      blocker.close();
    }
  });
});
