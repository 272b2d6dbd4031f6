// Which decoder each format that only a platform tool opens gets, as `rawlight doctor` reports it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decoderChecks } from '../../../src/cli/commands/doctor.command.js';
import { decoderAvailability, FORMAT_DECODERS } from '../../../src/image/format-decoders.js';

const only = (files: string[]) => (f: string) => files.includes(f);

test('Linux: the tool found on PATH, or the Debian package to install for the formats without one', () => {
  const got = decoderAvailability({ platform: 'linux', pathEnv: '/opt/bin:/usr/bin', isExecutable: only(['/usr/bin/heif-convert', '/opt/bin/djxl', '/usr/bin/djxl']) });
  assert.deepEqual(
    got.map((d) => [d.format, d.found]),
    [['HEIC', '/usr/bin/heif-convert'], ['AVIF image sequences', null], ['JPEG XL', '/opt/bin/djxl'], ['JPEG 2000', null]],
  );
  assert.equal(got[1]!.detail, 'avifdec is not installed: these photos get no preview until it is (Debian: libavif-bin)');
  assert.equal(got[3]!.detail, 'opj_decompress is not installed: these photos get no preview until it is (Debian: libopenjp2-tools)');
});

test('macOS: sips, for the formats its release reads (AVIF sequences from 13, JPEG XL from 14)', () => {
  const sips = only(['/usr/bin/sips']);
  const ventura = decoderAvailability({ platform: 'darwin', darwinRelease: '22.6.0', isExecutable: sips });
  assert.deepEqual(ventura.map((d) => [d.format, d.found]), [['HEIC', '/usr/bin/sips'], ['AVIF image sequences', '/usr/bin/sips'], ['JPEG XL', null], ['JPEG 2000', '/usr/bin/sips']]);
  assert.equal(ventura[2]!.detail, 'sips reads it from macOS 14 on (this is macOS 13); these photos get no preview');
  const sequoia = decoderAvailability({ platform: 'darwin', darwinRelease: '24.1.0', isExecutable: sips });
  assert.ok(sequoia.every((d) => d.found === '/usr/bin/sips' && d.detail === 'sips (macOS 15)'));
  assert.ok(decoderAvailability({ platform: 'darwin', darwinRelease: '25.0.0', isExecutable: sips }).every((d) => d.detail === 'sips (macOS 26)'), 'Darwin 25 is macOS 26');
  assert.ok(decoderAvailability({ platform: 'darwin', darwinRelease: '24.1.0', isExecutable: () => false }).every((d) => d.found === null && d.detail === 'sips is missing from /usr/bin'));
});

test('doctor lists one line a format; a missing decoder does not fail it (no such photos, no need)', async () => {
  const checks = await decoderChecks({ platform: 'linux', pathEnv: '/nowhere', isExecutable: () => false });
  assert.deepEqual(checks.map((c) => c.name), FORMAT_DECODERS.map((d) => `decoder ${d.format}`));
  assert.ok(checks.every((c) => c.ok && /is not installed/.test(c.detail)));
});
