import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parseConfig } from '../../../src/config/index.js';
import { isDaemonError } from '../../../src/errors/index.js';
import { resolvePlaces } from '../../../src/platform/places.js';

test('defaults are complete and the result is frozen', () => {
  const c = parseConfig({});
  assert.equal(c.api.port, 7414);
  assert.equal(c.writeback, 'auto');
  assert.equal(c.xmp.sidecarStyle, 'adobe');
  assert.equal(c.passes.faces, true);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.queue));
});

test('every bad key is named in one error', () => {
  try {
    parseConfig({ port: 1, writeback: 'sometimes', queue: { maxAttempts: 0 }, xmp: { keywordRoot: 'a|b' } });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(isDaemonError(e) && e.code === 'CONFIG_INVALID');
    for (const k of ['"port"', 'writeback', 'queue.maxAttempts', 'xmp.keywordRoot']) assert.ok(e.message.includes(k), `${k} in ${e.message}`);
  }
});

test('a non-loopback bind needs api.allowRemote', () => {
  assert.throws(() => parseConfig({ api: { host: '0.0.0.0' } }), /allowRemote/);
  assert.equal(parseConfig({ api: { host: '0.0.0.0', allowRemote: true } }).api.host, '0.0.0.0');
  assert.equal(parseConfig({ api: { host: '::1' } }).api.host, '::1');
});

test('libraries are made absolute and de-duplicated', () => {
  const c = parseConfig({ libraries: ['/a/b/', '/a/b', 'rel'] });
  assert.deepEqual(c.libraries, ['/a/b', path.resolve('rel')]);
});

test('places: RAWLIGHT_HOME overrides; macOS and XDG conventions otherwise', () => {
  assert.deepEqual(resolvePlaces({ env: { RAWLIGHT_HOME: '/h' } }), { configDir: '/h', dataDir: '/h', cacheDir: '/h/cache', logsDir: '/h/logs' });
  const mac = resolvePlaces({ env: {}, platform: 'darwin', homedir: '/Users/x' });
  assert.equal(mac.dataDir, '/Users/x/Library/Application Support/rawlight');
  assert.equal(mac.cacheDir, '/Users/x/Library/Caches/rawlight');
  assert.equal(mac.logsDir, '/Users/x/Library/Logs/rawlight');
  const lin = resolvePlaces({ env: { XDG_CACHE_HOME: '/c' }, platform: 'linux', homedir: '/home/x' });
  assert.equal(lin.cacheDir, '/c/rawlight');
  assert.equal(lin.configDir, '/home/x/.config/rawlight');
});
