// Where a photo's capture time comes from when the camera wrote no DateTimeOriginal: the tags
// Immich dates a photo by, in its order, on files written here the way Immich's own test assets
// (metadata/dates) are. A GPS fix is UTC and reads as the local time where the photo was taken.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { toMetadataRow } from '../../../src/passes/metadata.pass.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';

describe('metadata: capture time without DateTimeOriginal', () => {
  const t = tempDir();
  let exif: ExifReader;
  let n = 0;
  before(() => {
    exif = new ExifReader({ maxProcs: 1 });
  });
  after(async () => {
    await exif.end();
    t.cleanup();
  });

  /**
   * A photo with every date and position removed, then just these tags written (system exiftool);
   * `sidecar`: the bytes of its IMG.xmp, or the tags ExifTool writes into a new one.
   */
  async function captured(tags: string[], sidecar?: Buffer | string[]) {
    const [jpg] = copyFixtures(path.join(t.dir, String(n++)), ['photos/scenes/aurora.jpg']);
    execFileSync('exiftool', ['-q', '-overwrite_original', '-time:all=', '-gps:all=', '-xmp:all=', '-iptc:all=', jpg!]);
    if (tags.length) execFileSync('exiftool', ['-q', '-overwrite_original', ...tags, jpg!]);
    const xmp = jpg!.replace(/\.jpg$/, '.xmp');
    if (Buffer.isBuffer(sidecar)) writeFileSync(xmp, sidecar);
    else if (sidecar) execFileSync('exiftool', ['-q', '-o', xmp, ...sidecar]);
    const row = toMetadataRow(await exif.read(jpg!), sidecar ? await exif.read(xmp) : null, []);
    return { at: row.captured_at, offset: row.capture_offset, utc: row.captured_ts === null ? null : new Date(row.captured_ts).toISOString() };
  }

  const SAN_FRANCISCO = ['-GPSLatitude=37.7749', '-GPSLatitudeRef=N', '-GPSLongitude=122.4194', '-GPSLongitudeRef=W'];

  test('nothing dated: no capture time (the file\'s own dates are not the photo\'s)', async () => {
    assert.deepEqual(await captured([]), { at: null, offset: null, utc: null });
  });

  test('a GPS fix with a position: the instant, shown as the local time where it was taken', async () => {
    // The EXIF GPS stamp, as phones and GPS-equipped cameras write it.
    assert.deepEqual(await captured(['-GPS:GPSDateStamp=2023:11:15', '-GPS:GPSTimeStamp=12:30:00', ...SAN_FRANCISCO]), {
      at: '2023-11-15T04:30:00',
      offset: '-08:00',
      utc: '2023-11-15T12:30:00.000Z',
    });
    // The XMP form (Immich's gps-datetime.jpg), in summer time.
    // XMP carries the hemisphere in the value (no Ref tags).
    assert.deepEqual(await captured(['-XMP-exif:GPSDateTime=2023:07:04 19:05:00Z', '-XMP-exif:GPSLatitude=37.7749', '-XMP-exif:GPSLongitude=-122.4194']), {
      at: '2023-07-04T12:05:00',
      offset: '-07:00',
      utc: '2023-07-04T19:05:00.000Z',
    });
  });

  test('a GPS fix with no position: the instant in UTC, said so', async () => {
    assert.deepEqual(await captured(['-GPS:GPSDateStamp=2023:11:15', '-GPS:GPSTimeStamp=12:30:00']), { at: '2023-11-15T12:30:00', offset: '+00:00', utc: '2023-11-15T12:30:00.000Z' });
  });

  test('the camera\'s DateTimeOriginal wins over a GPS fix taken with it', async () => {
    const r = await captured(['-DateTimeOriginal=2023:11:15 04:29:58', '-GPS:GPSDateStamp=2023:11:15', '-GPS:GPSTimeStamp=12:30:00', ...SAN_FRANCISCO]);
    assert.equal(r.at, '2023-11-15T04:29:58');
  });

  test('a date set in Lightroom\'s IPTC panel (XMP photoshop:DateCreated, a scan) dates the photo', async () => {
    assert.deepEqual(await captured(['-XMP-photoshop:DateCreated=1962:05:19 20:00:00']), { at: '1962-05-19T20:00:00', offset: null, utc: '1962-05-19T20:00:00.000Z' });
  });

  /** A sidecar as Lightroom 4.1 saved them: UTF-16 with a byte-order mark, these xmp: attributes only. */
  const lightroom4 = (attrs: string) =>
    Buffer.from(
      '\ufeff<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 5.6.0">\n' +
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"\n' +
        `    xmp:CreatorTool="Adobe Photoshop Lightroom 4.1 (Macintosh)" ${attrs}/>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end="w"?>`,
      'utf16le',
    );

  test('a capture time in the sidecar wins over the photo\'s, whichever tag holds it (Lightroom 4: xmp:CreateDate only)', async () => {
    const camera = ['-DateTimeOriginal=2011:05:06 07:08:09'];
    assert.deepEqual(await captured(camera, lightroom4('xmp:CreateDate="2000-09-27T14:35:33+02:00" xmp:MetadataDate="2000-09-27T14:35:33+02:00"')), {
      at: '2000-09-27T14:35:33',
      offset: '+02:00',
      utc: '2000-09-27T12:35:33.000Z',
    });
    // A sidecar with no capture time (xmp:MetadataDate is when it was saved) leaves the camera's.
    assert.equal((await captured(camera, lightroom4('xmp:MetadataDate="2000-09-27T14:35:33+02:00"'))).at, '2011-05-06T07:08:09');
  });

  test('a geotagger\'s GPS fix in the sidecar does not replace the camera\'s clock; it dates a photo that has no date', async () => {
    const geotag = ['-XMP-exif:GPSDateTime=2023:07:04 19:05:00Z', '-XMP-exif:GPSLatitude=37.7749', '-XMP-exif:GPSLongitude=-122.4194'];
    assert.equal((await captured(['-DateTimeOriginal=2023:07:04 12:04:58'], geotag)).at, '2023-07-04T12:04:58');
    assert.deepEqual(await captured([], geotag), { at: '2023-07-04T12:05:00', offset: '-07:00', utc: '2023-07-04T19:05:00.000Z' });
  });

  test('a date without a time yields to a full time of the same day (Photo Mechanic: XMP DateCreated, IPTC DateCreated + TimeCreated)', async () => {
    // As ExifTool's own PhotoMechanic.jpg: no IPTC digest (Photo Mechanic did not write one), so
    // ExifTool's MWG DateTimeOriginal is the date-only XMP value; the time and zone are in IPTC's pair.
    const pm = ['-XMP-photoshop:DateCreated=2006:10:29', '-IPTC:DateCreated=2006:10:29', '-IPTC:TimeCreated=06:27:51-05:00', '-Photoshop:IPTCDigest='];
    assert.deepEqual(await captured(pm), { at: '2006-10-29T06:27:51', offset: '-05:00', utc: '2006-10-29T11:27:51.000Z' });
    // A scan dated by hand (the print's day, no time) keeps that day over the scanner's clock of
    // another day, and a date alone still dates a photo.
    assert.equal((await captured(['-XMP-photoshop:DateCreated=1957:06:01', '-XMP-xmp:CreateDate=2015:03:04 12:00:00'])).at, '1957-06-01T00:00:00');
    assert.deepEqual(await captured(['-XMP-photoshop:DateCreated=1957:06:01']), { at: '1957-06-01T00:00:00', offset: null, utc: '1957-06-01T00:00:00.000Z' });
  });

  test('a time without a date (IPTC TimeCreated alone) is no capture time', async () => {
    assert.deepEqual(await captured(['-IPTC:TimeCreated=14:30:00+00:00']), { at: null, offset: null, utc: null });
  });
});
