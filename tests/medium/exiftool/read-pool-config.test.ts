// The read pool's ExifTool config (src/exiftool/read-pool.config) only saves ExifTool work: the same
// commands give byte-for-byte the same output with it as without it on every fixture (photos,
// sidecars, HEIC, RAWs, bad files), and an import stores the same metadata rows, results, errors
// and embedded-image locations either way.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { BatchReadTask } from '../../../src/exiftool/batch-read-task.js';
import { EmbeddedImagesTask } from '../../../src/exiftool/embedded-images-task.js';
import { ExifReader, READ_POOL_CONFIG, READ_TAGS_SHORTCUT } from '../../../src/exiftool/reader.js';
import { EMBEDDED_TAGS } from '../../../src/passes/preview.pass.js';
import { copyFixtures, tempDir } from '../../helpers/fixtures.js';
import { importMetadata } from '../../helpers/metadata-import.js';

const t = tempDir('rawlight-read-config-');
after(() => t.cleanup());
const lib = path.join(t.dir, 'lib');
copyFixtures(lib, ['photos', 'raw', 'bad']);

const EXIFTOOL = path.join(path.dirname(createRequire(import.meta.url).resolve('exiftool-vendored.pl/package.json')), 'bin', 'exiftool');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : e.isFile() ? [p] : [];
  });
}

/**
 * ExifTool's stdout and stderr for `commands` (each an argument list, run as one `-execute` of
 * an argfile, as the pool sends them), with or without the read-pool config.
 */
function exiftool(commands: string[][], config: string | null, env: Record<string, string> = {}): { out: string; err: string } {
  const argfile = path.join(t.dir, `args-${createHash('sha1').update(JSON.stringify([commands, config, env])).digest('hex')}`);
  writeFileSync(argfile, commands.map((c) => [...c, '-execute'].join('\n')).join('\n') + '\n');
  // Without the config ExifTool would load ~/.ExifTool_config: point HOME where there is none.
  const r = spawnSync('perl', [EXIFTOOL, ...(config ? ['-config', config] : []), '-@', argfile], { env: { ...process.env, HOME: t.dir, ...env }, maxBuffer: 1 << 30 });
  assert.equal(r.error, undefined);
  return { out: r.stdout.toString('latin1'), err: r.stderr.toString('latin1') };
}

/** `files` in commands of 8 (the pool's batch size). */
const batches = (files: string[], args: (batch: string[]) => string[]) =>
  Array.from({ length: Math.ceil(files.length / 8) }, (_, i) => args(files.slice(i * 8, i * 8 + 8)));

test('the read pool loads its config, which exists', () => {
  assert.ok(existsSync(READ_POOL_CONFIG) && statSync(READ_POOL_CONFIG).isFile(), READ_POOL_CONFIG);
  const reader = new ExifReader({ maxProcs: 1 });
  assert.equal(reader.config, READ_POOL_CONFIG);
  const args = (reader.et.options as { exiftoolArgs: string[] }).exiftoolArgs;
  assert.deepEqual(args.slice(0, 2), ['-config', READ_POOL_CONFIG], 'first on the command line');
  assert.deepEqual((new ExifReader({ config: null }).et.options as { exiftoolArgs: string[] }).exiftoolArgs.slice(0, 2), ['-stay_open', 'True']);
});

test('a missing config file (a damaged install): the pool reads without it instead of failing every start', { timeout: 60_000 }, async () => {
  const reader = new ExifReader({ maxProcs: 1, config: path.join(t.dir, 'no-such.config') });
  try {
    assert.equal(reader.config, null);
    assert.deepEqual((reader.et.options as { exiftoolArgs: string[] }).exiftoolArgs.slice(0, 2), ['-stay_open', 'True']);
    const nef = filesUnder(lib).find((f) => f.endsWith('exiftool_Nikon.nef'))!;
    const tags = (await reader.read(nef)) as Record<string, unknown>;
    assert.equal(tags.Model, 'NIKON D70');
  } finally {
    await reader.end();
  }
});

test('every fixture: the metadata read and the embedded-image extraction print the same with the config as without', () => {
  const reader = new ExifReader({ maxProcs: 1 });
  const plainReader = new ExifReader({ maxProcs: 1, config: null });
  const files = filesUnder(lib).sort();
  assert.ok(files.length > 150, `${files.length} files`);
  assert.ok(files.some((f) => f.endsWith('.xmp')) && files.some((f) => /\.heic$/i.test(f)) && files.some((f) => f.includes('/bad/')), 'sidecars, HEIC and bad files among them');
  // The metadata read exactly as the pool sends it (a batch task's arguments, the processes'
  // environment): with the config, the tags' shortcut; without, the list of tags itself.
  const poolEnv = (reader.et.options as { exiftoolEnv: Record<string, string> }).exiftoolEnv;
  assert.deepEqual(reader.requested, [READ_TAGS_SHORTCUT]);
  assert.deepEqual(poolEnv.RAWLIGHT_READ_TAGS?.split(' '), reader.tags);
  assert.deepEqual(plainReader.requested, plainReader.tags);
  const reads = batches(files, (b) => BatchReadTask.for(b, reader.readOptions, reader.requested)!.args);
  const plain = exiftool(
    batches(files, (b) => BatchReadTask.for(b, plainReader.readOptions, plainReader.requested)!.args),
    null,
  );
  const withConfig = exiftool(reads, READ_POOL_CONFIG, poolEnv);
  const entries = plain.out.split('"SourceFile":').length - 1;
  assert.ok(entries > 150, `${entries} files read`);
  assert.ok(/"RegionInfo": \{/.test(plain.out) && /"Subject": \[/.test(plain.out) && /"LensID":/.test(plain.out), 'regions, keywords and lens IDs among the values');
  assert.equal(withConfig.out, plain.out);
  assert.equal(withConfig.err, plain.err);
  // Every tag (`-all`, with the library's `#` tags and its `*Duration*` wildcard beside it), on
  // every sixth file (all of them print megabytes) and the sidecars.
  const everyTag = new ExifReader({ maxProcs: 1, tags: null });
  const some = files.filter((f, i) => i % 6 === 0 || f.endsWith('.xmp'));
  const all = batches(some, (b) => BatchReadTask.for(b, everyTag.readOptions, everyTag.tags)!.args);
  const plainAll = exiftool(all, null);
  assert.ok(plainAll.out.split('"SourceFile":').length - 1 === some.length && plainAll.out.length > plain.out.length, 'every tag of each');
  assert.equal(exiftool(all, READ_POOL_CONFIG, poolEnv).out, plainAll.out);
  // The preview pass's extraction (binaries base64-coded in the JSON) from the same processes.
  const raws = files.filter((f) => f.includes(`${path.sep}raw${path.sep}`));
  const extracts = batches(raws, (b) => (EmbeddedImagesTask.for(b, EMBEDDED_TAGS) as unknown as { args: string[] }).args);
  const plainB = exiftool(extracts, null);
  assert.ok(plainB.out.split('base64:').length > 20, 'embedded images extracted');
  const withConfigB = exiftool(extracts, READ_POOL_CONFIG, poolEnv);
  assert.equal(createHash('sha256').update(withConfigB.out).digest('hex'), createHash('sha256').update(plainB.out).digest('hex'), 'same extraction output');
  assert.equal(withConfigB.err, plainB.err);
});

/**
 * The Composite tags ExifTool derived for `file` when asked for `tags` through its library (the
 * processes' code), with or without the config: what the config saves, seen from inside.
 */
function compositesDerived(file: string, tags: string[], config: string | null): string[] {
  const script = `BEGIN { $Image::ExifTool::configFile = shift @ARGV; unshift @INC, shift @ARGV; }
use Image::ExifTool;
my $file = shift @ARGV;
my $et = Image::ExifTool->new;
$et->Options(Duplicates => 1);
$et->ImageInfo($file, @ARGV);
print join(',', sort grep { $et->GetGroup($_, 0) eq 'Composite' } keys %{$$et{VALUE}});`;
  const r = spawnSync('perl', ['-e', script, config ?? '', path.join(path.dirname(EXIFTOOL), 'lib'), file, ...tags], { env: { ...process.env, HOME: t.dir } });
  assert.equal(r.status, 0, r.stderr.toString());
  return r.stdout.toString().split(',').filter(Boolean);
}

test('the config derives only the requested Composite tags and those they are made from', () => {
  const gps = filesUnder(lib).find((f) => f.endsWith('arezzo_DSCN0010.jpg'))!;
  const asked = ['GPSPosition', 'Make', 'SubSecDateTimeOriginal'];
  const all = compositesDerived(gps, asked, null);
  // ExifTool on its own: every Composite tag its loaded modules define (image size, exposure...).
  assert.ok(all.includes('GPSPosition') && all.includes('ImageSize') && all.includes('Megapixels') && all.length > 10, all.join());
  // With the config: GPSPosition, and the Composite GPSLatitude/GPSLongitude it is made from.
  assert.deepEqual(compositesDerived(gps, asked, READ_POOL_CONFIG), ['GPSLatitude', 'GPSLongitude', 'GPSPosition']);
  // A wildcard among the names: ExifTool's own code, every Composite tag.
  assert.deepEqual(compositesDerived(gps, [...asked, 'Exif*'], READ_POOL_CONFIG), compositesDerived(gps, [...asked, 'Exif*'], null));
});

/** What the metadata pass stored, by path (ids and times left out). */
function stored(home: string): Record<string, Record<string, unknown>[]> {
  const db = new Database(path.join(home, 'rawlight.db'), { readonly: true });
  const byPath = (sql: string) => (db.prepare(sql).all() as Record<string, unknown>[]).map(({ file_id: _id, read_at: _at, ...r }) => r);
  try {
    return {
      rows: byPath(`SELECT f.path, m.* FROM metadata m JOIN files f ON f.id = m.file_id ORDER BY f.path`),
      results: byPath(`SELECT f.path, r.status, r.output, r.error_code, r.error FROM pass_results r JOIN files f ON f.id = r.file_id WHERE r.pass = 'metadata' ORDER BY f.path`),
      locations: byPath(`SELECT f.path, e.* FROM embedded_locations e JOIN files f ON f.id = e.file_id ORDER BY f.path`),
    };
  } finally {
    db.close();
  }
}

test('every fixture: an import stores the same metadata rows, results and image locations with the config as without', async () => {
  const withHome = path.join(t.dir, 'home-config');
  const plainHome = path.join(t.dir, 'home-plain');
  const prevHome = process.env.HOME;
  process.env.HOME = t.dir; // no ~/.ExifTool_config for the run without ours
  try {
    await importMetadata(withHome, lib, {});
    await importMetadata(plainHome, lib, { config: null });
  } finally {
    process.env.HOME = prevHome;
  }
  const a = stored(withHome);
  const b = stored(plainHome);
  assert.ok(b.rows!.length > 150, `${b.rows!.length} metadata rows`);
  // User values from Lightroom/digiKam/darktable sidecars and files: all present in what is compared.
  for (const col of ['keywords', 'hierarchical', 'people', 'regions']) assert.ok(b.rows!.some((r) => r[col] !== '[]'), `some ${col}`);
  for (const col of ['rating', 'label', 'title', 'gps_lat', 'captured_at', 'lens']) assert.ok(b.rows!.some((r) => r[col] !== null), `some ${col}`);
  assert.ok(b.results!.some((r) => r.error_code === 'METADATA_UNREADABLE' && String(r.path).includes('/bad/')), 'a bad file records its error');
  assert.ok(b.locations!.length > 10, 'embedded image locations');
  assert.deepEqual(a.rows, b.rows);
  assert.deepEqual(a.results, b.results);
  assert.deepEqual(a.locations, b.locations);
});
