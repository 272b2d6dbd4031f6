import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { captionOf, namedPlaceOf, titleOf } from '../../../src/passes/metadata/own-words.js';

// The tags as exiftool-vendored hands them over (no group prefix): ImageDescription is EXIF's,
// Description XMP's dc:description, Caption-Abstract IPTC's, ObjectName IPTC's title.
describe("the photographer's own words, read from a photo's tags", () => {
  test('caption: EXIF, then XMP, then IPTC, as the Metadata Working Group orders them', () => {
    // ExifTool's MWG.jpg: the three disagree, EXIF's is the right one.
    assert.equal(captionOf({ ImageDescription: 'RIGHT-EXIF-Description', Description: 'WRONG-XMP-Description', 'Caption-Abstract': 'WRONG-IPTC-Description' }, null), 'RIGHT-EXIF-Description');
    assert.equal(captionOf({ Description: 'Our camp near the river', 'Caption-Abstract': 'older' }, null), 'Our camp near the river');
    // Photo Mechanic's IPTC alone.
    assert.equal(captionOf({ 'Caption-Abstract': 'A witty caption' }, null), 'A witty caption');
    assert.equal(captionOf({}, null), null);
  });

  test("a camera's own words in the description are nobody's caption; a person's words in capitals are", () => {
    for (const junk of ['OLYMPUS DIGITAL CAMERA', 'OLYMPUS DIGITAL CAMERA         ', 'SONY DSC', 'KONICA MINOLTA DIGITAL CAMERA', 'SAMSUNG CAMERA PICTURES', 'Exif_JPEG_PICTURE', 'Created with GIMP', '   ']) {
      assert.equal(captionOf({ ImageDescription: junk }, null), null, junk);
    }
    // The camera's words give way to the user's XMP caption behind them.
    assert.equal(captionOf({ ImageDescription: 'OLYMPUS DIGITAL CAMERA', Description: 'Grandma at the lake' }, null), 'Grandma at the lake');
    assert.equal(captionOf({ ImageDescription: 'WEDDING TOAST, HALL B' }, null), 'WEDDING TOAST, HALL B');
    assert.equal(captionOf({ ImageDescription: 'The camera club picnic' }, null), 'The camera club picnic');
  });

  test("a sidecar's caption and title win over the file's; whitespace is folded", () => {
    assert.equal(captionOf({ ImageDescription: 'from the camera JPEG' }, { Description: 'Edited\n in  Lightroom' }), 'Edited in Lightroom');
    assert.equal(captionOf({ ImageDescription: 'kept' }, { Rating: 3 }), 'kept');
    assert.equal(titleOf({ Title: 'file title' }, { Title: 'sidecar title' }), 'sidecar title');
    assert.equal(titleOf({ ObjectName: 'Test IPTC picture' }, null), 'Test IPTC picture');
    assert.equal(titleOf({ Title: 'XMP title', ObjectName: 'IPTC title' }, null), 'XMP title');
    // The Headline when nothing names a title: the sidecar's first, never over a title.
    assert.equal(titleOf({ Headline: 'file headline' }, { Headline: 'sidecar headline' }), 'sidecar headline');
    assert.equal(titleOf({ Headline: 'file headline' }, null), 'file headline');
    assert.equal(titleOf({ ObjectName: 'IPTC title', Headline: 'headline' }, { Headline: 'sidecar headline' }), 'IPTC title');
    assert.equal(titleOf({ Headline: '  ' }, null), null);
  });

  test('the named place: XMP before IPTC, the location shown last, and a sidecar names the whole place or none of it', () => {
    assert.deepEqual(namedPlaceOf({ Location: 'Roundabout', City: 'Kingston', State: 'Ont', 'Province-State': 'Ontario', Country: 'Canada' }, null), { location: 'Roundabout', city: 'Kingston', state: 'Ont', country: 'Canada' });
    assert.deepEqual(namedPlaceOf({ 'Sub-location': 'Delicate Arch', City: 'Moab', 'Province-State': 'Utah', 'Country-PrimaryLocationName': 'United States' }, null), { location: 'Delicate Arch', city: 'Moab', state: 'Utah', country: 'United States' });
    assert.deepEqual(namedPlaceOf({ LocationShownCity: 'Paris', LocationShownCountryName: 'France' }, null), { location: null, city: 'Paris', state: null, country: 'France' });
    // The file says Denver, Colorado; the sidecar only Moab: the sidecar's place, not a mix.
    assert.deepEqual(namedPlaceOf({ City: 'Denver', State: 'Colorado', Country: 'United States' }, { City: 'Moab' }), { location: null, city: 'Moab', state: null, country: null });
    assert.deepEqual(namedPlaceOf({ City: 'Denver' }, { Rating: 2 }), { location: null, city: 'Denver', state: null, country: null });
    assert.deepEqual(namedPlaceOf({}, null), { location: null, city: null, state: null, country: null });
  });
});
