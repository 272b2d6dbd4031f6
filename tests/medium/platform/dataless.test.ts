import assert from 'node:assert/strict';
import { linkSync, mkdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { createDatalessProbe, STAT_FORMAT } from '../../../src/platform/dataless.js';
import { createRunner } from '../../../src/platform/runner.js';
import { tempDir } from '../../helpers/fixtures.js';
import { makeFakeBin } from './fake-bin.js';

/**
 * BSD stat as macOS has it, for `stat -f '%d %i %Sf' -- paths`: files whose name contains "cloud"
 * carry the dataless flag; names containing "vanish" behave as if deleted before stat ran.
 */
const FAKE_STAT = `
  if (args[0] !== '-f' || args[1] !== ${JSON.stringify(STAT_FORMAT)} || args[2] !== '--') return { code: 2, stderr: 'usage' };
  let stdout = '', stderr = '', code = 0;
  for (const p of args.slice(3)) {
    const base = require('path').basename(p);
    let st;
    try { if (base.includes('vanish')) throw new Error(); st = fs.lstatSync(p, { bigint: true }); }
    catch { stderr += 'stat: ' + p + ': stat: No such file or directory\\n'; code = 1; continue; }
    stdout += st.dev + ' ' + st.ino + ' ' + (base.includes('cloud') ? 'compressed,dataless' : '-') + '\\n';
  }
  return { code, stdout, stderr };
`;

describe('dataless probe', () => {
  const t = tempDir('rawlight-dataless-');
  after(() => t.cleanup());
  const bin = makeFakeBin(path.join(t.dir, 'bin'), { stat: FAKE_STAT });
  const runner = createRunner({ env: { PATH: bin.path } });
  const lib = path.join(t.dir, 'lib');
  const f = (name: string) => path.join(lib, name);
  const sparse = (name: string, size = 25_000_000) => {
    writeFileSync(f(name), '');
    truncateSync(f(name), size); // size without blocks: what a dataless placeholder looks like to lstat
    return f(name);
  };

  test('finds the placeholders, and only placeholders reach stat', async () => {
    mkdirSync(lib, { recursive: true });
    writeFileSync(f('local.CR3'), Buffer.alloc(64 * 1024, 1));
    writeFileSync(f('empty.CR3'), '');
    const paths = [
      f('local.CR3'),
      f('empty.CR3'),
      sparse('cloud one.CR3'),
      sparse('cloud\nnew line.CR3'),
      sparse('-cloud-dash.NEF'),
      sparse('sparse-vm-image.DNG'),
      sparse('cloud-vanish.ARW'),
      f('missing.CR3'),
    ];
    linkSync(f('cloud one.CR3'), f('cloud-hardlink.CR3'));
    paths.push(f('cloud-hardlink.CR3'));
    assert.equal(statSync(f('cloud one.CR3')).blocks, 0, 'this filesystem makes sparse files (test precondition)');

    const probe = createDatalessProbe(runner, { platform: 'darwin', statPath: 'stat', batchSize: 2 });
    const found = await probe.check(paths);
    assert.deepEqual([...found].sort(), [f('-cloud-dash.NEF'), f('cloud one.CR3'), f('cloud-hardlink.CR3'), f('cloud\nnew line.CR3')].sort());

    const calls = bin.calls('stat');
    const asked = calls.flatMap((c) => c.slice(3));
    for (const p of [f('local.CR3'), f('empty.CR3'), f('missing.CR3')]) assert.ok(!asked.includes(p), `${p} must not reach stat`);
    // hard links share one inode: asked once
    assert.equal(asked.filter((p) => p === f('cloud one.CR3') || p === f('cloud-hardlink.CR3')).length, 1);
    assert.equal(asked.length, 5);
    assert.equal(calls.length, 3, 'batched two paths per call');
    for (const c of calls) assert.deepEqual(c.slice(0, 3), ['-f', STAT_FORMAT, '--']);
  });

  test('large batches stay under the argument budget', async () => {
    const before = bin.calls('stat').length;
    const many = Array.from({ length: 30 }, (_, i) => sparse(`cloud-${String(i).padStart(3, '0')}-${'x'.repeat(100)}.CR3`, 1000));
    const probe = createDatalessProbe(runner, { platform: 'darwin', statPath: 'stat', batchBytes: 1500 });
    const found = await probe.check(many);
    assert.equal(found.size, 30);
    const calls = bin.calls('stat').slice(before);
    assert.ok(calls.length >= 3, `split into ${calls.length} calls`);
    for (const c of calls) assert.ok(c.slice(3).reduce((n, p) => n + Buffer.byteLength(p) + 1, 0) <= 1500 || c.length === 4);
  });

  test('on Linux the probe is a no-op and runs nothing', async () => {
    const before = bin.calls('stat').length;
    const found = await createDatalessProbe(runner, { platform: 'linux', statPath: 'stat' }).check([f('cloud one.CR3')]);
    assert.equal(found.size, 0);
    assert.equal(bin.calls('stat').length, before);
  });
});
