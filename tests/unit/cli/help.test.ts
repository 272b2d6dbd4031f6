import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../../src/cli/main.js';
import { searchCommand } from '../../../src/cli/commands/search.command.js';
import { parseDateWords } from '../../../src/search/date-words.js';
import { parseExposureWords } from '../../../src/search/exposure-words.js';
import { parseColourLabelWords, parseRatingWords } from '../../../src/search/rating-words.js';

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const places = { configDir: '/nonexistent', dataDir: '/nonexistent', cacheDir: '/nonexistent', logsDir: '/nonexistent' };
  const code = await main(argv, { places, io: { stdout, stderr: new PassThrough() }, env: {} });
  return { code, out };
}

test('`search --help` says what the words of a query can name, with examples', async () => {
  const r = await run(['search', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Usage: rawlight search "TEXT"/m);
  assert.match(r.out, /^ {2}dates {4}"2013"/m);
  assert.match(r.out, /before 2010/);
});

test('every date the search help names is read as a date', () => {
  const lines = searchCommand.help!.split('\n');
  const from = lines.findIndex((l) => l.trimStart().startsWith('dates'));
  const examples = [...`${lines[from]}${lines[from + 1]}`.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(examples.length >= 8, examples.join(', '));
  for (const e of examples) {
    const d = parseDateWords(e.split(' '), Date.UTC(2026, 11, 2));
    assert.equal(d?.used, e.split(' ').length, `"${e}" is a date`);
  }
});

test('every exposure setting the search help names is read as one', () => {
  const line = searchCommand.help!.split('\n').find((l) => l.trimStart().startsWith('exposure'))!;
  const examples = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(examples.length >= 5, examples.join(', '));
  for (const e of examples) assert.equal(parseExposureWords(e.split(' '))?.used, e.split(' ').length, `"${e}" is an exposure setting`);
});

test('every rating and label the search help names is read as one', () => {
  const line = searchCommand.help!.split('\n').find((l) => l.trimStart().startsWith('ratings'))!;
  const examples = [...line.matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(examples.length >= 4, examples.join(', '));
  for (const e of examples) {
    const w = e.split(' ');
    assert.equal((parseRatingWords(w) ?? parseColourLabelWords(w))?.used, w.length, `"${e}" is a rating or a label`);
  }
});

test('a command without more to say prints its usage alone', async () => {
  const r = await run(['status', '--help']);
  assert.equal(r.code, 0);
  assert.equal(r.out.trim().split('\n').length, 2);
});
