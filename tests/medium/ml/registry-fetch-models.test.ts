import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
// @ts-expect-error: a plain .mjs script (run by install.sh), no type declarations
import { fetchModels } from '../../../scripts/fetch-models.mjs';
import { REPO, tempDir } from '../../helpers/fixtures.js';

const GOOD = Buffer.from('pretend onnx weights '.repeat(500));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function entry(id: string, file: string, urls: string[], opts: { sha256?: string | null; bytes?: number | null; evidence?: string; fetch?: string } = {}) {
  return {
    id, role: 'faceDetector', name: id, family: 'yunet', fetch: opts.fetch ?? 'default',
    licence: { name: 'MIT', commercial: true, note: '' },
    files: [{ path: file, urls, sha256: opts.sha256 === undefined ? sha(GOOD) : opts.sha256, bytes: opts.bytes === undefined ? GOOD.length : opts.bytes, evidence: { sha256: opts.evidence ?? 'confirmed', bytes: 'confirmed', note: 'test' } }],
  };
}

describe('scripts/fetch-models.mjs against a local HTTP server', () => {
  let server: Server, base: string, dir: string, cleanup: () => void;
  const hits: string[] = [];
  before(async () => {
    ({ dir, cleanup } = tempDir());
    server = createServer((req, res) => {
      hits.push(req.url!);
      if (req.url === '/good.onnx') return res.end(GOOD);
      if (req.url === '/tampered.onnx') { const b = Buffer.from(GOOD); b[10] = 0x41 ^ b[10]!; return res.end(b); }
      if (req.url === '/short.onnx') return res.end(GOOD.subarray(0, 100));
      if (req.url === '/long.onnx') return res.end(Buffer.concat([GOOD, GOOD]));
      res.statusCode = 404;
      res.end('nope');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    cleanup();
  });

  const run = (models: unknown[], extra: Record<string, unknown> = {}) => {
    const log: string[] = [];
    return fetchModels({ manifest: { models }, dir, log: (s: string) => log.push(s), ...extra }).then((r: Record<string, string[]>) => ({ ...r, log: log.join('\n') }));
  };
  const noPartials = () => assert.deepEqual(readdirSync(dir, { recursive: true }).filter((f) => String(f).includes('.part-')), []);

  test('good hash: downloaded, verified, renamed into place; a second run finds it present', async () => {
    const r = await run([entry('m-good', 'm/good.onnx', [`${base}/good.onnx`])]);
    assert.deepEqual(r.installed, ['m/good.onnx']);
    assert.deepEqual(readFileSync(path.join(dir, 'm/good.onnx')), GOOD);
    const again = await run([entry('m-good', 'm/good.onnx', [`${base}/good.onnx`])]);
    assert.deepEqual(again.present, ['m/good.onnx']);
    noPartials();
  });

  test('bad hash (same size): deleted, said so; the next URL is tried', async () => {
    const r = await run([entry('m-bad', 'm/bad.onnx', [`${base}/tampered.onnx`])]);
    assert.deepEqual(r.failed, ['m/bad.onnx']);
    assert.match(r.log, /sha256 mismatch.*deleted/);
    assert.equal(existsSync(path.join(dir, 'm/bad.onnx')), false);
    const r2 = await run([entry('m-bad', 'm/bad.onnx', [`${base}/tampered.onnx`, `${base}/missing.onnx`, `${base}/good.onnx`])]);
    assert.deepEqual(r2.installed, ['m/bad.onnx']);
    assert.match(r2.log, /HTTP 404/);
    noPartials();
  });

  test('wrong size (short or long): deleted', async () => {
    const r = await run([entry('m-short', 'm/short.onnx', [`${base}/short.onnx`]), entry('m-long', 'm/long.onnx', [`${base}/long.onnx`])]);
    assert.deepEqual(r.failed, ['m/short.onnx', 'm/long.onnx']);
    assert.match(r.log, /size mismatch: got 100 bytes/);
    assert.match(r.log, /size mismatch: got \d+\+ bytes/);
    assert.equal(existsSync(path.join(dir, 'm/short.onnx')), false);
    assert.equal(existsSync(path.join(dir, 'm/long.onnx')), false);
    noPartials();
  });

  test('an unconfirmed hash is refused unless --allow-unverified', async () => {
    const m = [entry('m-unv', 'm/unv.onnx', [`${base}/good.onnx`], { evidence: 'corroborated' })];
    const before = hits.length;
    const r = await run(m);
    assert.deepEqual(r.refused, ['m/unv.onnx']);
    assert.equal(hits.length, before, 'nothing downloaded');
    assert.match(r.log, /--allow-unverified/);
    const r2 = await run(m, { allowUnverified: true });
    assert.deepEqual(r2.installed, ['m/unv.onnx']);
  });

  test('only default models are fetched unless named', async () => {
    const m = [entry('m-opt', 'm/opt.onnx', [`${base}/good.onnx`], { fetch: 'optional' })];
    assert.deepEqual((await run(m)).installed, []);
    assert.deepEqual((await run(m, { ids: ['m-opt'] })).installed, ['m/opt.onnx']);
  });

  test('the script: unreachable host exits 0 and says what is missing; --strict exits 1', () => {
    const manifest = path.join(dir, 'manifest.json');
    // Port 9 on loopback: nothing listens, the connection is refused at once.
    writeFileSync(manifest, JSON.stringify({ models: [entry('m-off', 'off/off.onnx', ['http://127.0.0.1:9/off.onnx'])] }));
    const script = path.join(REPO, 'scripts', 'fetch-models.mjs');
    const r = spawnSync(process.execPath, [script, '--dir', path.join(dir, 'offline'), '--manifest', manifest], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /missing {2}off\/off\.onnx/);
    assert.match(r.stdout, /licence: MIT/);
    assert.match(r.stdout, /rawlight still runs without them/);
    const strict = spawnSync(process.execPath, [script, '--dir', path.join(dir, 'offline'), '--manifest', manifest, '--strict'], { encoding: 'utf8' });
    assert.equal(strict.status, 1);
  });
});
