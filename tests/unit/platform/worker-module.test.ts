import assert from 'node:assert/strict';
import { test } from 'node:test';
import { workerModule } from '../../../src/platform/worker-module.js';

test('a worker module is found beside its caller, as source under tsx and compiled once installed', () => {
  assert.equal(workerModule('file:///app/src/ml/ort-host.ts', 'ort-worker').href, 'file:///app/src/ml/ort-worker.ts');
  assert.equal(workerModule('file:///app/dist/ml/ort-host.js', 'ort-worker').href, 'file:///app/dist/ml/ort-worker.js');
});
