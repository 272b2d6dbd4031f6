#!/usr/bin/env node
// Runs every test under tests/ with node's own test runner (TypeScript through tsx).
// Real models and fixtures are required: a missing ../shared is a failure, never a skip.
// Without file arguments (`npm test`) it first type-checks src/, tests/ and bench/ and checks the
// layer rules; with files (`node scripts/run-tests.mjs tests/x.test.ts`) it runs just those.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// `npm test` runs on the machine's own node (README's second command); the tests must run on the
// pinned Node 24 that ./install.sh put in .runtime/, as the daemon does.
const pinned = path.join(root, '.runtime', 'node_modules', 'node', 'bin', 'node');
if (existsSync(pinned) && realpathSync(pinned) !== realpathSync(process.execPath)) {
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(`rawlight tests: Node 24 is required (this is ${process.version}); run ./install.sh first, which provisions it into .runtime/.`);
  process.exit(2);
}
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
if (!args.length) {
  const checks = [
    ['type-check (src, tests, bench)', [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.check.json']],
    ['layer rules', [path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruiser.mjs'), 'src', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']],
  ];
  for (const [what, argv] of checks) {
    const r = spawnSync(process.execPath, argv, { stdio: 'inherit', cwd: root });
    if (r.status !== 0) {
      console.error(`rawlight tests: ${what} failed; no tests run.`);
      process.exit(r.status ?? 1);
    }
  }
}
const files = args.length ? args : walk(path.join(root, 'tests')).sort();
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, RAWLIGHT_TEST_MODELS: models, RAWLIGHT_TEST_FIXTURES: fixtures } },
);
process.exit(r.status ?? 1);
