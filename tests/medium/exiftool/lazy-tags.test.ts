// Dates parsed on first read (lazy-tags.ts) must give exactly what exiftool-vendored's own parse
// gives: the stored metadata row, the motion-photo note, errors and warnings, and every tag's
// value, on every fixture (bad ones included) as the reader's own ExifTool command prints them.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { ExifToolTask, type Tags } from 'exiftool-vendored';
import { ExifDateTime } from 'exiftool-vendored';
import { readTaskFor } from '../../../src/exiftool/batch-read-task.js';
import type { ListedReadTask } from '../../../src/exiftool/listed-read-task.js';
import { motionPhotoOf } from '../../../src/exiftool/motion-photo.js';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { toMetadataRow } from '../../../src/passes/metadata.pass.js';
import { FIXTURES } from '../../helpers/fixtures.js';

/** ExifTool's JSON array as printed (one object per file), with the reader's arguments. */
class RawJsonTask extends ExifToolTask<Record<string, unknown>[]> {
  override parse(data: string): Record<string, unknown>[] {
    return JSON.parse(data) as Record<string, unknown>[];
  }
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? allFiles(p) : n.endsWith('.md') || n.endsWith('.json') ? [] : [p];
  });
}

const reader = new ExifReader({ maxProcs: 1 });
after(() => reader.end());

/** The files' objects from the reader's own command line (20 a command), and fresh tasks to parse them with. */
async function rawEntries(files: readonly string[]): Promise<{ file: string; entry: Record<string, unknown> | undefined; task: () => ListedReadTask }[]> {
  const out: { file: string; entry: Record<string, unknown> | undefined; task: () => ListedReadTask }[] = [];
  for (let i = 0; i < files.length; i += 20) {
    const some = files.slice(i, i + 20);
    const common = readTaskFor(some[0]!, reader.readOptions, reader.tags).args.slice(0, -1);
    const read = (fs: readonly string[]) => reader.et.enqueueTask(() => new RawJsonTask([...common, ...fs], { ignoreMinorErrors: true }), false).catch(() => []);
    const printed = await read(some);
    const bySource = new Map(printed.map((e) => [e.SourceFile, e]));
    for (const file of some) out.push({ file, entry: bySource.get(file), task: () => readTaskFor(file, reader.readOptions, reader.tags) });
  }
  return out;
}
const rawEntry = async (file: string) => (await rawEntries([file]))[0]!;

const canon = (t: Tags) => JSON.stringify(Object.fromEntries(Object.entries(t as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))));

test('every fixture: the stored row, motion note, errors, warnings and tags equal the library\'s parse', async () => {
  const files = allFiles(FIXTURES);
  assert.ok(files.length > 150, `${files.length} fixtures`);
  let compared = 0;
  let withDate = 0;
  let withZone = 0;
  for (const { file, entry, task } of await rawEntries(files)) {
    if (!entry) continue; // ExifTool printed nothing (an empty file): both paths never see an object
    const eager = task().parseEntryEagerly(structuredClone(entry));
    const lazy = task().parseEntry(structuredClone(entry));
    const name = path.relative(FIXTURES, file);
    // The row first, from untouched objects: the pass reads them this way (a date only when asked).
    assert.deepEqual(toMetadataRow(lazy, null, []), toMetadataRow(eager, null, []), `${name}: metadata row`);
    assert.deepEqual(motionPhotoOf(lazy), motionPhotoOf(eager), `${name}: motion photo`);
    assert.deepEqual(lazy.errors, eager.errors, `${name}: errors`);
    assert.deepEqual(lazy.warnings, eager.warnings, `${name}: warnings`);
    assert.equal(canon(lazy), canon(eager), `${name}: every tag`);
    compared++;
    if (toMetadataRow(eager, null, []).captured_at) withDate++;
    if (toMetadataRow(eager, null, []).capture_offset) withZone++;
  }
  assert.ok(compared > 150, `compared ${compared} files`);
  assert.ok(withDate > 80 && withZone > 10, `capture times ${withDate}, with a zone ${withZone}`);
});

test('a sidecar over its photo: the merged row equals the library\'s', async () => {
  const photo = await rawEntry(path.join(FIXTURES, 'photos/sidecars/IMG_5910.jpg'));
  const side = await rawEntry(path.join(FIXTURES, 'photos/sidecars/IMG_5910.xmp'));
  assert.ok(photo.entry && side.entry);
  const eager = toMetadataRow(photo.task().parseEntryEagerly(structuredClone(photo.entry)), side.task().parseEntryEagerly(structuredClone(side.entry)), []);
  const lazy = toMetadataRow(photo.task().parseEntry(structuredClone(photo.entry)), side.task().parseEntry(structuredClone(side.entry)), []);
  assert.deepEqual(lazy, eager);
});

test('zones and dates of every source equal the library\'s (offset tags, GPS, datestamps, UTC, video)', () => {
  const file = '/photos/IMG_1.JPG';
  const cases: Record<string, unknown>[] = [
    { DateTimeOriginal: '2021:07:04 18:30:12', OffsetTimeOriginal: '+02:00' },
    { DateTimeOriginal: '2021:07:04 18:30:12', GPSLatitude: 48.85, GPSLongitude: 2.35, GPSLatitudeRef: 'N', GPSLongitudeRef: 'E' },
    { DateTimeOriginal: '2021:01:04 18:30:12', GPSLatitude: 40.7, GPSLongitude: -74, GPSLatitudeRef: 'N', GPSLongitudeRef: 'W' },
    { DateTimeOriginal: '2021:07:04 18:30:12', GPSDateTime: '2021:07:04 16:30:11Z' },
    { SubSecDateTimeOriginal: '2021:07:04 18:30:12.25', TimeZone: '-05:00' },
    { CreateDate: '2021:07:04 18:30:12', MIMEType: 'video/mp4' },
    { DateTimeOriginal: '0000:00:00 00:00:00', CreateDate: '2019:02:03 04:05:06' },
    { DateTimeOriginal: 'not a date', DateTimeCreated: '2019:02:03 04:05:06+01:00' },
    { DateTimeOriginal: '2021:07:04 18:30:12', GPSLatitude: 0, GPSLongitude: 0 },
    { DateTimeOriginal: '2021:07:04 18:30:12', GPSLatitude: 'garbage', GPSLongitude: 200 },
    { DateTimeOriginal: 'undef', Title: 'null', Subject: ['a', 'null'], ExposureTime: '1/125', GPSTimeStamp: '16:30:11' },
    { DigitalCreationDateTime: '2020:02:29 23:59:59', ThumbnailImage: '(Binary data 5000 bytes, use -b option to extract)' },
  ];
  for (const c of cases) {
    const entry = { SourceFile: file, FileType: 'JPEG', ...c };
    const t = readTaskFor(file, reader.readOptions, reader.tags);
    const lazy = t.parseEntry(structuredClone(entry));
    const eager = readTaskFor(file, reader.readOptions, reader.tags).parseEntryEagerly(structuredClone(entry));
    assert.deepEqual(toMetadataRow(lazy, null, []), toMetadataRow(eager, null, []), JSON.stringify(c));
    assert.equal(canon(lazy), canon(eager), JSON.stringify(c));
  }
});

test('a date is parsed only when read, once', () => {
  const file = '/photos/IMG_1.JPG';
  const t = readTaskFor(file, reader.readOptions, reader.tags).parseEntry({ SourceFile: file, FileType: 'JPEG', DateTimeOriginal: '2021:07:04 18:30:12', GPSDateTime: '2021:07:04 16:30:11Z' });
  const d = Object.getOwnPropertyDescriptor(t, 'GPSDateTime');
  assert.equal(typeof d?.get, 'function', 'not parsed before it is read');
  const first = (t as Record<string, unknown>).DateTimeOriginal;
  assert.ok(first instanceof ExifDateTime);
  assert.equal((t as Record<string, unknown>).DateTimeOriginal, first, 'the same object on the second read');
  assert.equal(Object.getOwnPropertyDescriptor(t, 'DateTimeOriginal')?.value, first);
});
