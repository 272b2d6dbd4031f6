import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inferenceThreads } from '../../../src/pipeline/worker-count.js';

test('the ML worker gets one intra-op thread per CPU worker, never more than the cores', () => {
  assert.equal(inferenceThreads('auto', 2), 2, 'two cores: both, not half');
  assert.equal(inferenceThreads('auto', 8), 8);
  assert.equal(inferenceThreads('auto', 0), 1);
  assert.equal(inferenceThreads(1, 8), 1, 'a user who asked for one CPU worker gets one inference thread');
  assert.equal(inferenceThreads(16, 4), 4);
});
