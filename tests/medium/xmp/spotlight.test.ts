import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseBuffer } from 'bplist-parser';
import { createExifToolWriter, type ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import { createSpotlight, KEYWORDS_XATTR, plistHex, spotlightReport, USER_TAGS_XATTR } from '../../../src/xmp/spotlight.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFace, addFile, addTag, openTestDb, testConfig, writeback } from '../writeback/helpers.js';

/**
 * Fake `xattr`, `mdimport` and `mdls` on PATH: they log their arguments and keep attribute values
 * in a folder, so the adapter's real commands and binary plists can be checked on Linux.
 */
function fakeBin(dir: string): { env: NodeJS.ProcessEnv; log: string; calls: () => string[][] } {
  const bin = path.join(dir, 'bin');
  const store = path.join(dir, 'store');
  mkdirSync(bin, { recursive: true });
  mkdirSync(store, { recursive: true });
  const log = path.join(dir, 'calls.log');
  writeFileSync(log, '');
  const key = 'key=$(printf "%s|%s" "$f" "$n" | sha1sum | cut -c1-40)';
  writeFileSync(
    path.join(bin, 'xattr'),
    `#!/bin/bash
printf '%s\\x1f' xattr "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"
case "$1" in
  -wx) n="$2"; f="$4"; ${key}; printf '%s' "$3" > "$FAKE_STORE/$key" ;;
  -px) n="$2"; f="$3"; ${key}; [ -f "$FAKE_STORE/$key" ] || { echo "xattr: $f: No such xattr: $n" >&2; exit 1; }; fold -w 32 "$FAKE_STORE/$key"; echo ;;
  -d) n="$2"; f="$3"; ${key}; rm -f "$FAKE_STORE/$key" ;;
  *) exit 2 ;;
esac
`,
  );
  writeFileSync(path.join(bin, 'mdimport'), `#!/bin/bash\nprintf '%s\\x1f' mdimport "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"\n`);
  writeFileSync(
    path.join(bin, 'mdls'),
    `#!/bin/bash\nprintf '%s\\x1f' mdls "$@" >> "$FAKE_LOG"; echo >> "$FAKE_LOG"\ncat <<'P'\n<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict><key>kMDItemKeywords</key><array><string>dog</string></array></dict></plist>\nP\n`,
  );
  for (const f of ['xattr', 'mdimport', 'mdls']) chmodSync(path.join(bin, f), 0o755);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE_LOG: log, FAKE_STORE: store };
  const calls = () =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\x1f').filter((x, i, a) => i < a.length - 1 || x !== ''));
  return { env, log, calls };
}

const decode = (hex: string) => parseBuffer(Buffer.from(hex, 'hex'))[0] as string[];

describe('Spotlight adapter (fake xattr/mdimport/mdls)', () => {
  const t = tempDir();
  const fake = fakeBin(t.dir);
  const photoA = path.join(t.dir, 'A.CR3');
  const photoB = path.join(t.dir, 'B.NEF');
  before(() => {
    writeFileSync(photoA, 'a');
    writeFileSync(photoB, 'b');
  });
  after(() => t.cleanup());

  test('sets kMDItemKeywords and Finder tags as binary plists, merged with other apps\' values; one mdimport per batch', async () => {
    const sp = createSpotlight({ enabled: true, finderTags: true, platform: 'darwin', env: fake.env });
    // Another app already set a keyword and a red Finder tag on A.
    const { execFileSync } = await import('node:child_process');
    execFileSync('xattr', ['-wx', KEYWORDS_XATTR, plistHex(['from-other-app']), photoA], { env: fake.env });
    execFileSync('xattr', ['-wx', USER_TAGS_XATTR, plistHex(['Red\n6']), photoA], { env: fake.env });
    writeFileSync(fake.log, '');

    const recA = await sp.update(photoA, { keywords: ['dog', 'Barack Obama', 'Arezzo'], people: ['Barack Obama'] }, null);
    const recB = await sp.update(photoB, { keywords: ['cat'], people: [] }, null);
    assert.deepEqual(recA, { keywords: ['dog', 'Barack Obama', 'Arezzo'], userTags: ['Barack Obama\n0'] });
    assert.deepEqual(recB, { keywords: ['cat'], userTags: [] });
    const writes = fake.calls().filter((c) => c[0] === 'xattr' && c[1] === '-wx');
    const kwA = writes.find((c) => c[2] === KEYWORDS_XATTR && c[4] === photoA)!;
    assert.deepEqual(decode(kwA[3]!), ['from-other-app', 'dog', 'Barack Obama', 'Arezzo']);
    const tagsA = writes.find((c) => c[2] === USER_TAGS_XATTR && c[4] === photoA)!;
    assert.deepEqual(decode(tagsA[3]!), ['Red\n6', 'Barack Obama\n0']);
    assert.deepEqual(decode(writes.find((c) => c[2] === KEYWORDS_XATTR && c[4] === photoB)![3]!), ['cat']);
    assert.equal(fake.calls().filter((c) => c[0] === 'mdimport').length, 0, 'mdimport waits for the batch');

    assert.deepEqual(await sp.flush(), [photoA, photoB]);
    const md = fake.calls().filter((c) => c[0] === 'mdimport');
    assert.deepEqual(md, [['mdimport', photoA, photoB]]);

    // A rename: rawlight's old values go, the other app's stay.
    writeFileSync(fake.log, '');
    await sp.update(photoA, { keywords: ['dog', 'Barack H. Obama'], people: ['Barack H. Obama'] }, recA);
    const w2 = fake.calls().filter((c) => c[0] === 'xattr' && c[1] === '-wx');
    assert.deepEqual(decode(w2.find((c) => c[2] === KEYWORDS_XATTR)![3]!), ['from-other-app', 'dog', 'Barack H. Obama']);
    assert.deepEqual(decode(w2.find((c) => c[2] === USER_TAGS_XATTR)![3]!), ['Red\n6', 'Barack H. Obama\n0']);

    // Unchanged values: no xattr write and nothing to re-import.
    writeFileSync(fake.log, '');
    await sp.update(photoB, { keywords: ['cat'], people: [] }, recB);
    assert.equal(fake.calls().filter((c) => c[1] === '-wx').length, 0);
    await sp.flush();
    assert.deepEqual(fake.calls().filter((c) => c[0] === 'mdimport'), [['mdimport', photoA]]);
  });

  test('on Linux it does nothing and says so', async () => {
    writeFileSync(fake.log, '');
    const sp = createSpotlight({ enabled: true, finderTags: true, platform: 'linux', env: fake.env });
    assert.equal(await sp.update(photoA, { keywords: ['x'], people: [] }, null), null);
    assert.deepEqual(await sp.flush(), []);
    assert.deepEqual(fake.calls(), []);
    assert.match(sp.describe(), /not available on linux/);
    const r = await spotlightReport(photoA, { platform: 'linux', env: fake.env });
    assert.equal(r.available, false);
  });

  test('writeback sets the photo\'s xattrs, records them, and doctor compares with mdls', async () => {
    const db: WritableDb = openTestDb(path.join(t.dir, 'db'));
    const writer: ExifToolWriter = createExifToolWriter({ timeoutMs: 30_000 });
    try {
      const [cr2] = copyFixtures(path.join(t.dir, 'lib'), ['raw/exiftool_CanonRaw.cr2']);
      const file = addFile(db, cr2!);
      addTag(db, file.id, 'dog');
      addFace(db, file.id, 'Marie Curie', { x: 0.1, y: 0.1, w: 0.1, h: 0.1 });
      const sp = createSpotlight({ enabled: true, finderTags: false, platform: 'darwin', env: fake.env });
      writeFileSync(fake.log, '');
      await writeback(db, writer, file, testConfig(), path.join(t.dir, 'b'), sp);
      await sp.flush();
      const kw = fake.calls().find((c) => c[1] === '-wx' && c[2] === KEYWORDS_XATTR)!;
      assert.equal(kw[4], cr2, 'set on the photo itself, not the sidecar');
      assert.deepEqual(decode(kw[3]!), ['dog', 'Marie Curie']);
      assert.deepEqual(xmpStateForFile(db, file.id)!.spotlight, { keywords: ['dog', 'Marie Curie'], userTags: [] });
      const report = await spotlightReport(cr2!, { db, platform: 'darwin', env: fake.env });
      assert.deepEqual(report.indexed, { keywords: ['dog'], userTags: [] });
      assert.deepEqual(report.missing, ['Marie Curie']);
      assert.deepEqual(fake.calls().find((c) => c[0] === 'mdls'), ['mdls', '-plist', '-', '-name', 'kMDItemKeywords', '-name', 'kMDItemUserTags', cr2]);
    } finally {
      await writer.end();
      db.close();
    }
  });
});
