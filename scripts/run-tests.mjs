#!/usr/bin/env node
// Runs every test under tests/ with node's own test runner (TypeScript through tsx).
// Real models and fixtures are required: a missing ../shared is a failure, never a skip.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const models = process.env.RAWLIGHT_TEST_MODELS ?? path.resolve(root, '..', 'shared', 'models');
const fixtures = process.env.RAWLIGHT_TEST_FIXTURES ?? path.resolve(root, '..', 'shared', 'fixtures');
for (const [what, dir] of [['models', models], ['fixtures', fixtures]]) {
  if (!existsSync(dir)) {
    console.error(`rawlight tests: the real ${what} folder ${dir} is missing (set RAWLIGHT_TEST_${what.toUpperCase()}); refusing to run without it.`);
    process.exit(2);
  }
}

function walk(dir, out = []) {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (e.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const args = process.argv.slice(2);
const files = args.length ? args : walk(path.join(root, 'tests')).sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, RAWLIGHT_TEST_MODELS: models, RAWLIGHT_TEST_FIXTURES: fixtures } },
);
process.exit(r.status ?? 1);
