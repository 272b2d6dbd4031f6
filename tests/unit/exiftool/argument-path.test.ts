import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { sayable, withSayablePaths } from '../../../src/exiftool/argument-path.js';
import { tempDir } from '../../helpers/fixtures.js';

test('a name holding a line break is given as a link with the same extension; others as they are', async () => {
  const t = tempDir();
  try {
    const odd = path.join(t.dir, 'IMG\n1.NEF');
    const cr = path.join(t.dir, 'IMG\r2.xmp');
    const plain = path.join(t.dir, 'IMG 3 ü.jpg');
    writeFileSync(odd, 'nef');
    writeFileSync(plain, 'jpg');
    assert.deepEqual([odd, cr, plain].map(sayable), [false, false, true]);
    let seen: string[] = [];
    await withSayablePaths([odd, cr, plain], async (given) => {
      seen = given;
      assert.ok(given.slice(0, 2).every(sayable));
      assert.deepEqual(given.map((g) => path.extname(g)), ['.NEF', '.xmp', '.jpg']);
      assert.equal(given[2], plain);
      assert.equal(readFileSync(given[0]!, 'utf8'), 'nef', 'read through the link');
      // A file that does not exist yet is made at the link's target.
      writeFileSync(given[1]!, 'made');
    });
    assert.equal(readFileSync(cr, 'utf8'), 'made');
    assert.equal(realpathSync(path.dirname(cr)), realpathSync(t.dir));
    assert.ok(!existsSync(path.dirname(seen[0]!)), 'the links are gone once used');
    // Gone too when the use fails.
    await assert.rejects(withSayablePaths([odd], async (given) => {
      seen = given;
      throw new Error('ExifTool failed');
    }), /ExifTool failed/);
    assert.ok(!existsSync(path.dirname(seen[0]!)));
    // Nothing made for names ExifTool can take.
    await withSayablePaths([plain], async (given) => assert.deepEqual(given, [plain]));
  } finally {
    t.cleanup();
  }
});
