import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resolvePlaces } from '../../../src/platform/places.js';
import { createRunner } from '../../../src/platform/runner.js';
import { tempDir } from '../../helpers/fixtures.js';
import { makeFakeBin, type FakeBin } from './fake-bin.js';

/** A throwaway install: app folder with a pinned node + compiled CLI, a HOME, RAWLIGHT_HOME, fakes on PATH. */
export function agentEnv(fakes: Record<string, string>) {
  const t = tempDir('rawlight-agent-');
  const root = realpathSync(t.dir);
  const appRoot = path.join(root, 'app dir'); // a space, as in "Application Support"
  const nodePath = path.join(appRoot, '.runtime', 'node_modules', 'node', 'bin', 'node');
  mkdirSync(path.dirname(nodePath), { recursive: true });
  writeFileSync(nodePath, '#!/bin/sh\n', { mode: 0o755 });
  mkdirSync(path.join(appRoot, 'dist', 'cli'), { recursive: true });
  writeFileSync(path.join(appRoot, 'dist', 'cli', 'main.js'), '');
  const home = path.join(root, 'home');
  mkdirSync(home, { recursive: true });
  const rlHome = path.join(root, 'rl-home');
  const bin: FakeBin = makeFakeBin(path.join(root, 'bin'), fakes);
  const env: NodeJS.ProcessEnv = { PATH: bin.path, HOME: home, RAWLIGHT_HOME: rlHome };
  const places = resolvePlaces({ env, homedir: home });
  return { root, appRoot, nodePath, home, places, bin, env, runner: createRunner({ env }), cleanup: t.cleanup };
}
