import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDetail } from '../../../src/cli/show-text.js';

/** What `show --json` gives for a file with no feature results; each test adds its part. */
function detail(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    path: '/Pictures/2019/DSC_0001.NEF',
    state: 'present',
    hashes: { content: 'abc', preview: 'def' },
    metadata: { make: 'NIKON CORPORATION', model: 'NIKON D810', captured_at: '2019-06-02T10:00:00', capture_offset: '+02:00', lens: null, width: 7360, height: 4912, orientation: 1, gps_lat: null, gps_lon: null, keywords: [] },
    preview: null,
    motionPhoto: null,
    passes: [{ pass: 'scan', status: 'ok', error: null }],
    faces: [],
    tags: [],
    place: null,
    xmp: null,
    text: [],
    ...extra,
  };
}

const xmp = (over: Record<string, unknown>) => ({
  target: '/Pictures/2019/DSC_0001.xmp',
  targetKind: 'sidecar',
  status: 'ok',
  lastWrittenAt: null,
  error: null,
  values: [{ field: 'subject', xmp: 'dc:subject', value: 'dog' }],
  userRemoved: [],
  conflicts: [],
  pending: null,
  spotlight: null,
  ...over,
});

test('a make the model repeats is said once; nothing a file lacks gets a line', () => {
  const out = formatDetail(detail());
  assert.match(out, /camera: NIKON D810  lens: -\n/);
  assert.doesNotMatch(out, /faces|tags|place|XMP|text in the photo/);
  assert.match(formatDetail(detail({ metadata: { ...(detail().metadata as object), make: 'SONY', model: 'ILCE-7M3' } })), /camera: SONY ILCE-7M3 /);
});

test('exposure, stars, colour label and title as the camera and the user\'s other tools recorded them', () => {
  const meta = detail().metadata as Record<string, unknown>;
  const out = formatDetail(detail({ metadata: { ...meta, exposure_time: '1/125', f_number: 7.1, iso: 200, focal_length: 85, rating: 4, label: 'Red', title: 'Harbour at dawn' } }));
  assert.match(out, /\n {2}exposure: 1\/125 s {2}f\/7\.1 {2}ISO 200 {2}85 mm\n/);
  assert.match(out, /\n {2}rating: ★★★★ {2}label: Red\n {2}title: Harbour at dawn\n/);
  assert.match(formatDetail(detail({ metadata: { ...meta, rating: -1 } })), /\n {2}rating: rejected\n/);
  const plain = formatDetail(detail({ metadata: { ...meta, rating: 0, exposure_time: null, f_number: null, iso: null, focal_length: null } }));
  assert.doesNotMatch(plain, /exposure|rating|label|title/, 'unrated (0) and no exposure: no lines');
});

test('each face: its person, how it got there, an unnamed or ignored group, not a face, or none, with the ids to act on', () => {
  const out = formatDetail(
    detail({
      faces: [
        { id: 11, score: 0.9, assignment: { notFace: false, personId: 3, name: 'Ada Lovelace', ignored: false, source: 'user', confirmed: true, similarity: null } },
        { id: 12, score: 0.9, assignment: { notFace: false, personId: 3, name: 'Ada Lovelace', ignored: false, source: 'auto', confirmed: false, similarity: 0.713 } },
        { id: 13, score: 0.9, assignment: { notFace: false, personId: 8, name: null, ignored: false, source: 'cluster', confirmed: false, similarity: null } },
        { id: 14, score: 0.9, assignment: { notFace: false, personId: 9, name: null, ignored: true, source: 'cluster', confirmed: false, similarity: null } },
        { id: 15, score: 0.9, assignment: { notFace: true } },
        { id: 16, score: 0.9, assignment: null },
      ],
    }),
  );
  assert.match(
    out,
    new RegExp(
      [
        '  faces: 6',
        '    face 11: Ada Lovelace',
        '    face 12: Ada Lovelace \\(grouped by rawlight, similarity 0\\.71\\)',
        '    face 13: unnamed group 8 \\(`rawlight people name 8 "Name"` names it\\)',
        '    face 14: group 9, ignored',
        '    face 15: marked not a face',
        '    face 16: in no group: no other face like it yet \\(`rawlight people move-face 16 "Name"` names it\\)',
      ].join('\\n'),
    ),
  );
});

test('tags with their scores, the place, and the text read in the photo', () => {
  const out = formatDetail(
    detail({
      tags: [{ label: 'dog', score: 0.912, source: 'classifier' }, { label: 'beach', score: 0.5, source: 'classifier' }],
      place: { city: null, region: 'Tuscany', country: 'Italy', countryCode: 'IT' },
      text: [{ text: 'OPEN 24 "HOURS"', box: { x: 0, y: 0, w: 1, h: 1 }, score: 0.9 }, { text: 'EXIT', box: { x: 0, y: 0, w: 1, h: 1 }, score: 0.9 }],
    }),
  );
  assert.match(out, /\n  tags: dog 0\.91, beach 0\.50\n/);
  assert.match(out, /\n  place: Tuscany, Italy\n/);
  assert.match(out, /\n  text in the photo: "OPEN 24 \\"HOURS\\"" "EXIT"\n/);
});

test('the XMP: where, how many values, and what needs the user: conflicts kept, removals kept, a waiting review, a failure, an overwrite', () => {
  const written = Date.UTC(2026, 11, 4, 12, 0);
  assert.match(formatDetail(detail({ xmp: xmp({ lastWrittenAt: written }) })), new RegExp(`\\n  XMP sidecar /Pictures/2019/DSC_0001\\.xmp: 1 value from rawlight, last written ${new Date(written).toLocaleString().replace(/[/.]/g, '\\$&')}\\n`));
  assert.match(formatDetail(detail({ xmp: xmp({ targetKind: 'embedded', target: '/Pictures/a.jpg', values: [] }) })), /\n  XMP inside \/Pictures\/a\.jpg: 0 values from rawlight\n/);
  const out = formatDetail(
    detail({
      xmp: xmp({
        status: 'pending',
        conflicts: [{ field: 'city', xmp: 'photoshop:City', value: 'Arezzo', fileValue: 'Firenze' }],
        userRemoved: [{ field: 'subject', xmp: 'dc:subject', value: 'cat' }],
        pending: { target: '/Pictures/2019/DSC_0001.xmp', changes: [{ field: 'subject', op: 'add', value: 'dog' }, { field: 'subject', op: 'add', value: 'beach' }], conflicts: [], plannedAt: 1 },
      }),
    }),
  );
  assert.match(out, /\n  XMP sidecar \/Pictures\/2019\/DSC_0001\.xmp \(a write is waiting\): 1 value from rawlight\n/);
  assert.match(out, /\n    kept yours: photoshop:City is "Firenze" in the file; rawlight's "Arezzo" was not written\n/);
  assert.match(out, /\n    changed or removed by you, never written again: dc:subject "cat"\n/);
  assert.match(out, /\n    waiting for `rawlight writeback`: 2 change\(s\) to \/Pictures\/2019\/DSC_0001\.xmp\n/);
  assert.match(formatDetail(detail({ xmp: xmp({ status: 'failed', error: { code: 'XMP_WRITE_FAILED', message: 'disk full' } }) })), /\(the last write failed\): .*\n    error: disk full \[XMP_WRITE_FAILED\]\n/);
  assert.match(formatDetail(detail({ xmp: xmp({ status: 'overwritten' }) })), /\(another program saved it without rawlight's values: `rawlight writeback --restore PATH` puts them back/);
});

test('a photo that is away says where it is and that what is shown is what rawlight kept', () => {
  assert.match(formatDetail(detail({ state: 'present' })).split('\n')[0]!, /\(present\)$/);
  assert.match(formatDetail(detail({ state: 'offline' })).split('\n')[0]!, /\(offline: its drive is not connected; shown from what rawlight kept\)$/);
  assert.match(formatDetail(detail({ state: 'cloud' })).split('\n')[0]!, /\(in iCloud, not downloaded; shown from what rawlight kept\)$/);
  assert.match(formatDetail(detail({ state: 'gone' })).split('\n')[0]!, /\(deleted\)$/);
});
