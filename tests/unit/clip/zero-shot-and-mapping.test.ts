import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { mapImagenetTags, tagsForClass } from '../../../src/ml/classifier/imagenet-tags.js';
import { softmax } from '../../../src/ml/classifier/mobilenet-classifier.js';
import { promptsFor, vocabulary } from '../../../src/ml/clip/vocabulary.js';
import { ensemble, zeroShot } from '../../../src/ml/clip/zero-shot.js';
import { MODELS } from '../../helpers/fixtures.js';

const unit = (xs: number[]) => {
  const n = Math.hypot(...xs);
  return Float32Array.from(xs, (x) => x / n);
};

describe('zero-shot scoring', () => {
  const labels = [
    { label: 'dog', embedding: unit([1, 0, 0, 0]) },
    { label: 'cat', embedding: unit([0, 1, 0, 0]) },
    { label: 'beach', embedding: unit([0, 0, 1, 0]) },
  ];

  test('softmax over cosines at scale 100 keeps the clear winner only', () => {
    const image = unit([0.3, 0.05, 0.02, 0.95]);
    const r = zeroShot(image, labels, { logitScale: 100, minProb: 0.06, minCosine: 0.2, maxTags: 5 });
    assert.deepEqual(r.map((x) => x.label), ['dog']);
    // cos(dog) - cos(cat) = 0.25 → share e^25 / (e^25 + e^3.2 + 1) ≈ 1
    assert.ok(r[0]!.score > 0.99);
  });

  test('weak matches everywhere are dropped by the cosine floor', () => {
    const image = unit([0.1, 0.1, 0.1, 1]);
    assert.deepEqual(zeroShot(image, labels, { logitScale: 100, minProb: 0.06, minCosine: 0.2, maxTags: 5 }), []);
  });

  test('two good matches both survive; maxTags caps', () => {
    const image = unit([0.5, 0.5, 0, 0.3]);
    const both = zeroShot(image, labels, { logitScale: 100, minProb: 0.06, minCosine: 0.2, maxTags: 5 });
    assert.deepEqual(both.map((x) => x.label).sort(), ['cat', 'dog']);
    assert.ok(Math.abs(both[0]!.score - 0.5) < 0.01);
    assert.equal(zeroShot(image, labels, { logitScale: 100, minProb: 0, minCosine: -1, maxTags: 1 }).length, 1);
  });

  test('prompt ensembling averages and re-normalises', () => {
    const e = ensemble([unit([1, 0]), unit([0, 1])]);
    assert.ok(Math.abs(e[0]! - Math.SQRT1_2) < 1e-6 && Math.abs(e[1]! - Math.SQRT1_2) < 1e-6);
  });

  test('vocabulary: a few hundred unique labels, prompts filled in', () => {
    const v = vocabulary();
    assert.ok(v.length >= 300 && v.length <= 600, `${v.length} labels`);
    assert.equal(new Set(v.map((e) => e.label)).size, v.length);
    assert.deepEqual(promptsFor(v.find((e) => e.label === 'eagle')!)[0], 'a photo of an eagle.');
    assert.deepEqual(promptsFor(v.find((e) => e.label === 'snow')!)[0], 'a photo of snow.');
    for (const e of v) assert.ok(!e.phrase.includes('{}') && e.phrase.trim() === e.phrase && e.label.length > 0, JSON.stringify(e));
  });
});

describe('ImageNet → tags mapping', () => {
  const labels = JSON.parse(readFileSync(path.join(MODELS, 'mobilenetv2-12-int8', 'imagenet-simple-labels.json'), 'utf8')) as string[];

  test('every named class in the mapping exists in the label file', () => {
    const src = readFileSync(path.resolve(import.meta.dirname, '../../../src/ml/classifier/imagenet-tags.ts'), 'utf8');
    const body = src.slice(src.indexOf('const BY_NAME'), src.indexOf('export interface ClassProb'));
    const keys = [...body.matchAll(/(?:^|[\s,{])(?:'((?:[^'\\]|\\.)*)'|"([^"]*)"|([A-Za-z-]+)):\s*\[/g)].map((m) => (m[1] ?? m[2] ?? m[3])!.replace(/\\'/g, "'"));
    assert.ok(keys.length > 150);
    assert.deepEqual(keys.filter((k) => !labels.includes(k)), []);
  });

  test('class ranges land on the right animals', () => {
    const at = (name: string) => tagsForClass(labels.indexOf(name), name);
    assert.deepEqual(at('pug'), ['dog']);
    assert.deepEqual(at('Chihuahua'), ['dog']);
    assert.deepEqual(at('Standard Poodle'), ['dog']);
    assert.deepEqual(at('grey wolf'), ['wolf']);
    assert.deepEqual(at('tabby cat'), ['cat']);
    assert.deepEqual(at('bald eagle'), ['bird']);
    assert.deepEqual(at('goldfinch'), ['bird']);
    assert.deepEqual(at('black swan'), ['bird']);
    assert.deepEqual(at('albatross'), ['bird']);
    assert.ok(at('zebra').includes('zebra'));
    assert.ok(at('loggerhead sea turtle').includes('turtle'));
    assert.ok(at('African bush elephant').includes('elephant'));
    assert.ok(at('seashore').includes('beach'));
    assert.ok(at('lionfish').includes('fish'));
  });

  test('broad tags sum their classes; confident classes keep their own name', () => {
    const idx = (n: string) => labels.indexOf(n);
    const tags = mapImagenetTags([
      { index: idx('pug'), label: 'pug', prob: 0.5 },
      { index: idx('Griffon Bruxellois'), label: 'Griffon Bruxellois', prob: 0.3 },
      { index: idx('tennis ball'), label: 'tennis ball', prob: 0.05 },
    ]);
    assert.deepEqual(tags, [
      { label: 'dog', score: 0.8 },
      { label: 'pug', score: 0.5 },
    ]);
    // Mass split across many bird classes still makes "bird".
    const split = mapImagenetTags(['kite', 'vulture', 'bald eagle', 'ruffed grouse'].map((n) => ({ index: idx(n), label: n, prob: 0.06 })));
    assert.deepEqual(split.map((t) => t.label), ['bird']);
    assert.deepEqual(mapImagenetTags([{ index: idx('pug'), label: 'pug', prob: 0.1 }]), []);
  });

  test('softmax sums to one and keeps order', () => {
    const p = softmax(Float32Array.from([1, 2, 3, -50]));
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-6);
    assert.ok(p[2]! > p[1]! && p[1]! > p[0]! && p[3]! < 1e-20);
  });
});
