import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isDaemonError } from '../../../src/errors/index.js';
import type { ExifToolWriter } from '../../../src/exiftool/writer.js';
import type { WritableDb } from '../../../src/store/db.js';
import { xmpStateForFile } from '../../../src/xmp/xmp-state.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { addFile, addTag, testConfig, writeback, rawWithLightroomSidecar, suiteWithWriter } from '../writeback/helpers.js';

describe('a malformed sidecar gets a clear error and is left untouched', () => {
  const t = tempDir();
  let db: WritableDb;
  let writer: ExifToolWriter;
  suiteWithWriter(t, (opened) => ({ db, writer } = opened));

  const cases: [string, (p: string) => void, RegExp][] = [
    ['invalid XML', (p) => writeFileSync(p, readFileSync(p, 'utf8').replace('</dc:subject>', '')), /not well-formed XML/],
    ['truncated packet', (p) => writeFileSync(p, readFileSync(p, 'utf8').slice(0, 2000)), /not well-formed XML/],
    ['zero bytes', (p) => writeFileSync(p, ''), /empty/],
    // Well-formed XML that ExifTool reads as no XMP and will not rewrite: a bare rdf:RDF (no
    // x:xmpmeta or xpacket) after white space, as Adobe's XMP SDK sample sidecar is.
    ['a bare rdf:RDF after white space', (p) => writeFileSync(p, `\n    ${/<rdf:RDF[^]*<\/rdf:RDF>/.exec(readFileSync(p, 'utf8'))![0]}\n`), /ExifTool cannot rewrite it \(Format error in file\)/],
    // ExifTool would write it only with -m, which may drop what it cannot place.
    ['the RDF namespace misspelt', (p) => writeFileSync(p, readFileSync(p, 'utf8').replace('22-rdf-syntax-ns#', '22-rdf-syntax-ns')), /ExifTool cannot rewrite it \(\[minor\] Improperly enclosed XMP property/],
  ];
  for (const [what, damage, why] of cases) {
    test(what, async () => {
      const dir = path.join(t.dir, what.replace(/\W+/g, '-'));
      const [jpg, sidecar] = rawWithLightroomSidecar(dir);
      damage(sidecar);
      const bytes = readFileSync(sidecar);
      const mtime = statSync(sidecar).mtimeMs;
      const file = addFile(db, jpg!);
      addTag(db, file.id, 'squirrel');
      await assert.rejects(writeback(db, writer, file, testConfig(), path.join(t.dir, 'b')), (e: unknown) => isDaemonError(e) && e.code === 'SIDECAR_MALFORMED' && why.test(e.message));
      assert.deepEqual(readFileSync(sidecar), bytes);
      assert.equal(statSync(sidecar).mtimeMs, mtime);
    });
  }

  test('a directory named .xmp', async () => {
    const [cr2] = copyFixtures(path.join(t.dir, 'dir'), ['raw/exiftool_CanonRaw.cr2']);
    const fake = cr2!.replace(/\.cr2$/, '.xmp');
    mkdirSync(fake);
    writeFileSync(path.join(fake, 'inside.jpg'), 'not a photo');
    const file = addFile(db, cr2!);
    addTag(db, file.id, 'camera');
    await assert.rejects(writeback(db, writer, file, testConfig(), path.join(t.dir, 'b')), (e: unknown) => isDaemonError(e) && e.code === 'SIDECAR_MALFORMED' && /directory/.test(e.message));
    assert.equal(readFileSync(path.join(fake, 'inside.jpg'), 'utf8'), 'not a photo');
  });
});
