import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { MODELS } from '../../helpers/fixtures.js';
import { ClipTokenizer, cleanText, EOT_ID, SOT_ID } from '../../../src/ml/clip/tokenizer.js';

const VOCAB = path.join(MODELS, 'clip-tokenizer', 'bpe_simple_vocab_16e6.txt.gz');

// Reference ids. Two come from the published Hugging Face CLIP docs ("a photo of a cat" /
// "a photo of a dog"). The rest were derived by hand from the merges file, independently of the
// code: a whole-word token made by merge line L (1-based, line 1 is the header) has id 512 + L - 2
// (e.g. "c at</w>" is line 1858 -> 2368, which matches the published id); a single byte b as a
// word end has id 256 + its position in GPT-2's byte order (printable ASCII starts at '!' = 0,
// so ',' -> 267, '!' -> 256, '2' -> 273).
const CASES: [string, number[]][] = [
  ['a photo of a cat', [SOT_ID, 320, 1125, 539, 320, 2368, EOT_ID]],
  ['a photo of a dog', [SOT_ID, 320, 1125, 539, 320, 1929, EOT_ID]],
  ['hello world', [SOT_ID, 3306, 1002, EOT_ID]], // "h ello</w>" line 2796, "wor ld</w>" line 492
  ['  Hello,\n\tWORLD!  ', [SOT_ID, 3306, 267, 1002, 256, EOT_ID]], // whitespace, case, punctuation
  ['2024', [SOT_ID, 273, 271, 273, 275, EOT_ID]], // digits are single tokens
  ['café', [SOT_ID, 15304, EOT_ID]], // "caf Ã©</w>" line 14794
  ['CAFE\u0301', [SOT_ID, 15304, EOT_ID]], // decomposed accent: NFC first, then lower-case
  ["it's", [SOT_ID, 585, 568, EOT_ID]], // "i t</w>" line 75, "' s</w>" line 58
  ['fish &amp; chips', [SOT_ID, 2759, 261, 8855, EOT_ID]], // html unescape; '&' -> 261
  ['😀', [SOT_ID, 7334, EOT_ID]], // "ðŁĺ Ģ</w>" line 6824
  ['😂', [SOT_ID, 1558, EOT_ID]], // "ðŁĺ Ĥ</w>" line 1048
  ['', [SOT_ID, EOT_ID]],
];

describe('CLIP tokenizer', () => {
  assert.ok(existsSync(VOCAB), `CLIP vocabulary missing at ${VOCAB}`);
  const tok = ClipTokenizer.fromFile(VOCAB);

  test('vocabulary has 49408 entries', () => {
    assert.equal(tok.vocabSize, 49408);
  });

  for (const [text, ids] of CASES) {
    test(`encodes ${JSON.stringify(text)}`, () => {
      assert.deepEqual(tok.encode(text), ids);
    });
  }

  test('overlong text is truncated to 77 keeping the end token', () => {
    const ids = tok.encode('cat '.repeat(200));
    assert.equal(ids.length, 77);
    assert.equal(ids[0], SOT_ID);
    assert.equal(ids[76], EOT_ID);
    assert.ok(ids.slice(1, 76).every((i) => i === 2368));
  });

  test('batch padding: fixed 77 with 0, or longest row with EOT', () => {
    const fixed = tok.encodeBatch(['a photo of a cat', 'hello world'], { length: 77, padId: 0 });
    assert.equal(fixed.length, 77);
    assert.equal(fixed.ids.length, 154);
    assert.deepEqual(fixed.ids.slice(77, 81), [SOT_ID, 3306, 1002, EOT_ID]);
    assert.ok(fixed.ids.slice(81, 154).every((i) => i === 0));
    const longest = tok.encodeBatch(['a photo of a cat', 'hello world'], { length: 'longest', padId: EOT_ID });
    assert.equal(longest.length, 7);
    assert.deepEqual(longest.ids.slice(7), [SOT_ID, 3306, 1002, EOT_ID, EOT_ID, EOT_ID, EOT_ID]);
    assert.deepEqual(longest.lengths, [7, 4]);
  });

  test('clean-up: html entities, whitespace collapsing', () => {
    assert.equal(cleanText('  Fish&nbsp;&amp;&#x20;Chips &#233;  '), 'fish & chips é');
  });

  test('a damaged vocabulary file is MODEL_INVALID, a missing one MODEL_MISSING', () => {
    assert.throws(() => ClipTokenizer.fromMergesText('#version\na b\n'), { code: 'MODEL_INVALID' });
    assert.throws(() => ClipTokenizer.fromFile('/nonexistent/bpe.txt.gz'), { code: 'MODEL_MISSING' });
  });
});
