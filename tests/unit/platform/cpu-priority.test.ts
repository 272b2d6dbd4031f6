import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { cpuWorkers } from '../../../src/pipeline/worker-count.js';
import { BACKGROUND_NICE, lowerCpuPriority } from '../../../src/platform/cpu-priority.js';

test('Linux: every thread of the process is re-niced to the background value', () => {
  const calls: [number, number][] = [];
  const r = lowerCpuPriority({ platform: 'linux', isAgentProcess: true, threadIds: () => [101, 102, 103], setPriority: (id, p) => void calls.push([id, p]) });
  assert.deepEqual(calls, [[101, BACKGROUND_NICE], [102, BACKGROUND_NICE], [103, BACKGROUND_NICE]]);
  assert.equal(r.threads, 3);
  assert.match(r.how, /nice 10/);
});

test('Linux: a thread that ended (or a user who set a nicer value) does not stop the others', () => {
  const calls: number[] = [];
  const r = lowerCpuPriority({
    platform: 'linux',
    isAgentProcess: false,
    threadIds: () => [1, 2, 3],
    setPriority: (id) => {
      if (id === 2) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      calls.push(id);
    },
  });
  assert.deepEqual(calls, [1, 3]);
  assert.equal(r.threads, 2);
});

test('macOS agent: launchd ProcessType (with the turbo switch) governs, nothing is re-niced', () => {
  const calls: number[] = [];
  const r = lowerCpuPriority({ platform: 'darwin', isAgentProcess: true, setPriority: (id) => void calls.push(id) });
  assert.deepEqual(calls, []);
  assert.match(r.how, /ProcessType/);
});

test('macOS by hand: the process itself is re-niced', () => {
  const calls: [number, number][] = [];
  lowerCpuPriority({ platform: 'darwin', isAgentProcess: false, setPriority: (id, p) => void calls.push([id, p]) });
  assert.deepEqual(calls, [[process.pid, BACKGROUND_NICE]]);
});

test('Linux for real: this thread ends up at least as nice as the background value', (t) => {
  if (process.platform !== 'linux') return t.skip('Linux only');
  const before = os.getPriority(0);
  // Only this main thread (a child's niceness cannot be raised back without root, so the test
  // process keeps it; the runner gives each test file its own process).
  const r = lowerCpuPriority({ platform: 'linux', isAgentProcess: false, threadIds: () => [0] });
  assert.equal(r.threads, 1);
  assert.equal(os.getPriority(0), Math.max(before, BACKGROUND_NICE));
});

test('queue.cpuConcurrency defaults to auto = one worker per core; a number is kept', () => {
  const c = parseConfig({});
  assert.equal(c.queue.cpuConcurrency, 'auto');
  assert.equal(cpuWorkers('auto', 8), 8);
  assert.equal(cpuWorkers('auto', 2), 2);
  assert.equal(cpuWorkers('auto', 0), 1);
  assert.equal(cpuWorkers(3, 8), 3);
  assert.equal(parseConfig({ queue: { cpuConcurrency: 2 } }).queue.cpuConcurrency, 2);
  assert.throws(() => parseConfig({ queue: { cpuConcurrency: 'many' } }), /cpuConcurrency/);
});
