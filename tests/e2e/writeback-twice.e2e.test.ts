import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { cli } from '../helpers/cli.js';
import { copyFixtures, MODELS, tempDir } from '../helpers/fixtures.js';
import { exiv2List, exiv2Props, exiv2Regions } from '../medium/xmp/readers.js';

/** The lists rawlight writes (foreign values, duplicated or not, are not rawlight's to judge). */
const RAWLIGHT_KEYS = /^Xmp\.(dc\.subject|lr\.hierarchicalSubject|iptcExt\.PersonInImage|digiKam\.TagsList)(\[\d+\])?$/;

/** Every list value and every region of an XMP file, as exiv2 (an independent reader) sees them. */
function duplicates(file: string): string[] {
  const props = exiv2Props(file);
  const dups: string[] = [];
  const lists = new Map<string, string[]>();
  for (const [k, v] of props) {
    if (!RAWLIGHT_KEYS.test(k)) continue;
    // Array items appear as key[1], key[2]...; whole bags as one line "a, b, c".
    const item = /^(.*)\[\d+\]$/.exec(k);
    if (item && !k.includes('/')) lists.set(item[1]!, [...(lists.get(item[1]!) ?? []), v.value]);
    else if ((v.type === 'XmpBag' || v.type === 'XmpSeq') && v.value) lists.set(k, v.value.split(', '));
  }
  for (const [k, vals] of lists) {
    const seen = new Set<string>();
    for (const v of vals) {
      if (seen.has(v)) dups.push(`${k}: ${v}`);
      seen.add(v);
    }
  }
  const regions = exiv2Regions(props).map((r) => JSON.stringify(r));
  if (new Set(regions).size !== regions.length) dups.push(`regions: ${regions.join(' ')}`);
  return dups;
}

describe('index a folder twice with every pass on', () => {
  const t = tempDir();
  const lib = path.join(t.dir, 'lib');
  const home = path.join(t.dir, 'home');
  const env = { RAWLIGHT_MODELS: MODELS };
  const writebackRuns = () => {
    const d = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      return d.prepare(`SELECT file_id, count(*) AS n FROM pass_runs WHERE pass = 'writeback' AND status = 'ok' GROUP BY file_id`).all() as { file_id: number; n: number }[];
    } finally {
      d.close();
    }
  };
  let afterFirst: { file_id: number; n: number }[] = [];
  let writesFirst = new Map<string, number>();
  /** Photo → the named persons its faces belong to after the first import. */
  const namesOf = new Map<string, string[]>();
  /** XMP writes per photo, from the daemon's own log ('xmp written' is logged once per ExifTool write). */
  const writes = () => {
    const logs = path.join(home, 'logs');
    const m = new Map<string, number>();
    for (const f of readdirSync(logs)) {
      for (const line of readFileSync(path.join(logs, f), 'utf8').split('\n')) {
        if (!line.includes('"xmp written"')) continue;
        const rec = JSON.parse(line) as { file: string };
        m.set(rec.file, (m.get(rec.file) ?? 0) + 1);
      }
    }
    return m;
  };
  const runsOf = (fileId: number) => {
    const d = new Database(path.join(home, 'rawlight.db'), { readonly: true });
    try {
      const rows = d.prepare(`SELECT pass, status, started_at FROM pass_runs WHERE file_id = ? ORDER BY started_at, id`).all(fileId) as { pass: string; status: string; started_at: number }[];
      const f = d.prepare('SELECT path FROM files WHERE id = ?').get(fileId) as { path: string };
      return `${f.path}: ${rows.map((r) => `${r.pass}:${r.status}@${r.started_at % 100000}`).join(' ')}`;
    } finally {
      d.close();
    }
  };

  before(async () => {
    copyFixtures(lib, ['photos/people', 'photos/sidecars', 'photos/gps/arezzo_DSCN0010.jpg', 'photos/gps/utah_thompson-springs.jpg', 'raw/photoprism_canon_eos_6d.dng', 'raw/photoprism_canon_eos_6d.xmp']);
    const r1 = await cli(home, ['index', lib, '--json'], env);
    assert.equal(r1.code, 0, r1.stderr);
    afterFirst = writebackRuns();
    writesFirst = writes();
    const p = await cli(home, ['people', '--json'], env);
    assert.equal(p.code, 0, p.stderr);
    for (const person of p.json<{ persons: { name: string | null; faces: { path: string }[] }[] }>().persons) {
      if (person.name) for (const f of person.faces) namesOf.set(f.path, [...(namesOf.get(f.path) ?? []), person.name]);
    }
    const r2 = await cli(home, ['index', lib, '--json'], env);
    assert.equal(r2.code, 0, r2.stderr);
  });
  after(() => t.cleanup());

  test('one XMP write per file per import: each file written once on the first import, none on the second', () => {
    assert.ok(writesFirst.size >= 5, `${writesFirst.size} files written`);
    const byId = new Map(afterFirst.map((r) => [r.file_id, r.n]));
    // The one second write an import makes: a face the grouping at its end put into a person named
    // elsewhere in it (alex_lacamoire_1.jpg, named by alex_lacamoire_2.jpg's XMP) gets that name.
    for (const [file, n] of writesFirst) {
      const names = namesOf.get(file) ?? [];
      if (n === 2 && names.length) {
        const inXmp = exiv2List(exiv2Props(`${file}.xmp`), 'Xmp.iptcExt.PersonInImage');
        assert.ok(names.every((x) => inXmp.includes(x)), `${file} written twice, the second time without ${JSON.stringify(names)}: ${JSON.stringify(inXmp)}`);
      } else assert.equal(n, 1, `${file} written ${n} times in one import`);
    }
    // Writeback itself waits for the passes that feed it: it never ran before they settled.
    for (const id of byId.keys()) assert.ok(/tags:ok@\d+ .*writeback:ok/.test(runsOf(id)) || !/tags:/.test(runsOf(id)), runsOf(id));
    assert.deepEqual(writes(), writesFirst, 'the second import writes nothing');
  });

  test('no sidecar holds any value twice (exiv2)', () => {
    const xmps = readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((f) => f.toLowerCase().endsWith('.xmp'));
    assert.ok(xmps.length >= 5, `${xmps.length} sidecars`);
    const found = xmps.flatMap((f) => duplicates(path.join(lib, f)).map((d) => `${f}: ${d}`));
    assert.deepEqual(found, []);
  });
});
