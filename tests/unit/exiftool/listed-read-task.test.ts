// The read task that keeps NEVER_DATES out of exiftool-vendored's date guessing must return exactly
// what the library's own ReadTask returns, for every shape those tags come in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadTask } from 'exiftool-vendored/dist/ReadTask.js';
import { ListedReadTask, NEVER_DATES } from '../../../src/exiftool/listed-read-task.js';

const FILE = '/photos/IMG_1.JPG';
const base = {
  SourceFile: FILE,
  FileType: 'JPEG',
  DateTimeOriginal: '2021:07:04 18:30:12',
  OffsetTimeOriginal: '+02:00',
  SubSecDateTimeOriginal: '2021:07:04 18:30:12.25+02:00',
  CreateDate: '2021:07:04 18:30:12',
  GPSDateStamp: '2021:07:04',
  GPSTimeStamp: '16:30:11',
  GPSDateTime: '2021:07:04 16:30:11Z',
  TimeCreated: '18:30:12+02:00',
  FNumber: 2.8,
};

/** The tags as JSON, keys in order (a tag put back lands at the end of the object). */
const canon = (t: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(t).sort(([a], [b]) => (a < b ? -1 : 1))));

function both(entry: Record<string, unknown>) {
  const plain = ReadTask.for(FILE, {});
  const listed = new ListedReadTask(plain.sourceFile, plain.args, plain.options);
  const json = JSON.stringify([entry]);
  return { lib: plain.parse(json) as Record<string, unknown>, ours: listed.parse(json) as Record<string, unknown>, listed };
}

test('exposure times of every shape parse exactly as the library parses them', () => {
  for (const exposure of ['1/125', '1/4000', '1/3', '0.3', '1.5', '30', 2, 0.5, '', 'Bulb', '2021:07:04 10:00:00']) {
    const { lib, ours } = both({ ...base, ExposureTime: exposure });
    assert.equal(canon(ours), canon(lib), `ExposureTime ${JSON.stringify(exposure)}`);
  }
});

test('the time zone and dates are the library\'s own (only never-dates skip its parser)', () => {
  const { lib, ours } = both({ ...base, ExposureTime: '1/125' });
  assert.equal(JSON.stringify(ours.DateTimeOriginal), JSON.stringify(lib.DateTimeOriginal));
  assert.equal(ours.tz, lib.tz);
  assert.equal(ours.ExposureTime, '1/125');
  assert.ok(!NEVER_DATES.some((t) => /Offset|Zone|GPS|Date/.test(t)), 'no time-zone source is on the list');
});

test('a batch member parses the same way as a single read of the file', () => {
  const { lib, listed } = both({ ...base, ExposureTime: '1/60' });
  assert.equal(canon(listed.parseEntry({ ...base, ExposureTime: '1/60' }) as Record<string, unknown>), canon(lib));
});
