import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ExifReader } from '../../../src/exiftool/reader.js';
import { toMetadataRow } from '../../../src/passes/metadata.pass.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';

describe('metadata: the user\'s geotag in the sidecar wins over the camera\'s GPS', () => {
  const t = tempDir();
  let exif: ExifReader;
  before(() => {
    exif = new ExifReader();
  });
  after(async () => {
    await exif.end();
    t.cleanup();
  });

  test('a Lightroom geotag (XMP exif:GPS in the sidecar) is the position; places follow it', async () => {
    const [jpg] = copyFixtures(path.join(t.dir, 'a'), ['photos/gps/arezzo_DSCN0010.jpg']);
    const sidecar = `${jpg}.xmp`;
    // Lyon, as Lightroom's Map module writes it into the sidecar.
    execFileSync('exiftool', ['-q', '-XMP-exif:GPSLatitude=45.764', '-XMP-exif:GPSLatitudeRef=N', '-XMP-exif:GPSLongitude=4.8357', '-XMP-exif:GPSLongitudeRef=E', sidecar]);
    const own = toMetadataRow(await exif.read(jpg!), null, []);
    assert.ok(own.gps_lat !== null && Math.abs(own.gps_lat - 43.46) < 0.05, `the camera's own fix is Arezzo (${own.gps_lat})`);
    const row = toMetadataRow(await exif.read(jpg!), await exif.read(sidecar), []);
    assert.ok(row.gps_lat !== null && Math.abs(row.gps_lat - 45.764) < 1e-3, `lat ${row.gps_lat}`);
    assert.ok(row.gps_lon !== null && Math.abs(row.gps_lon - 4.8357) < 1e-3, `lon ${row.gps_lon}`);
  });

  test('a sidecar without GPS (or with 0,0) leaves the camera\'s position', async () => {
    const [jpg] = copyFixtures(path.join(t.dir, 'b'), ['photos/gps/arezzo_DSCN0012.jpg']);
    const sidecar = `${jpg}.xmp`;
    execFileSync('exiftool', ['-q', '-XMP-dc:Subject=tower', '-XMP-exif:GPSLatitude=0', '-XMP-exif:GPSLongitude=0', sidecar]);
    const own = toMetadataRow(await exif.read(jpg!), null, []);
    const row = toMetadataRow(await exif.read(jpg!), await exif.read(sidecar), []);
    assert.ok(own.gps_lat !== null);
    assert.equal(row.gps_lat, own.gps_lat);
    assert.equal(row.gps_lon, own.gps_lon);
  });
});
