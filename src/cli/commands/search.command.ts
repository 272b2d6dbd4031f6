import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { clipSourceFromRegistry } from '../../ml/clip/model-sources.js';
import { createModelRegistry } from '../../ml/registry.js';
import { ModelSessions } from '../../ml/session.js';
import { parseDateBound } from '../../search/date-range.js';
import { search, type ClipQueryEncoder, type SearchResponse } from '../../search/search.js';
import { getSpace } from '../../search/clip-embedding.repository.js';
import { dbLexicon } from '../../search/lexicon.repository.js';
import { openTownNames } from '../../places/town-names.js';
import { printJson, UsageError, type CliCommand, type CliIO } from '../command.js';
import { openIndex } from '../open-index.js';
import { canonicalPath } from '../../platform/canonical-path.js';

/** Said beside a result whose file is not at hand: found from what rawlight kept. */
function awayLabel(away: 'offline' | 'cloud'): string {
  return away === 'offline' ? 'offline: its drive is not connected' : 'in iCloud, not downloaded';
}

export function printResults(io: CliIO, r: SearchResponse, json: boolean): void {
  if (json) {
    // The contract: {"results": [{"path", "score", "why"}]} (extend, never rename).
    printJson(io, {
      mode: r.mode,
      ...(r.label !== undefined ? { label: r.label } : {}),
      ...(r.empty ? { empty: r.empty } : {}),
      ...(r.parts ? { parsed: r.parts.map(({ kind, source, label }) => ({ kind, source, label })) } : {}),
      results: r.results.map((x) => ({ path: x.path, score: x.score, why: x.why, ...(x.away ? { away: x.away } : {}) })),
    });
    return;
  }
  if (r.label) io.stdout.write(`searched ${r.label}\n`);
  if (r.results.length === 0) {
    io.stdout.write(`no matches${r.empty ? `: ${r.empty}` : ''}\n`);
    return;
  }
  for (const x of r.results) io.stdout.write(`${x.score.toFixed(3)}  ${x.path}  (${x.why})${x.away ? `  [${awayLabel(x.away)}]` : ''}\n`);

}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Find photos by words (CLIP when a model is installed), names, tags, places, people',
  usage: 'rawlight search "TEXT" [--limit N] [--json] [--from DATE --to DATE --camera X --person X --tag X --place X --folder DIR]',
  help: [
    'The words are read against what your library holds; what they name filters the results:',
    '  cameras  "Canon EOS 5D Mark II", "6D", "canon", "a7 III", "z6 ii", "D810"',
    '  dates    "2013", "June 2019", "2019-06-02", "2019-2021", "last summer", "last weekend", "the 90s",',
    '           "before 2010", "since June 2019", "christmas 2019"',
    '  lenses   "70-200mm", "85mm", "f/2.8" (a lens named so; else the photos taken at 85 mm, at f/2.8)',
    '  exposure "iso 3200", "iso 800-3200", "iso 6400+", "35mm", "f/1.8"',
    '  ratings  "5 stars", "4+ stars", "★★★", "rejected", "red label" (as Lightroom, Bridge or darktable set them)',
    '  places, named people, keywords and tags: "Arezzo", "Obama", "beach" (a place where GPS put',
    '           photos, or a city, state or country you typed in Lightroom\'s Location fields)',
    '  places by their other names too: "München", "Firenze", "Kapstadt", "Italien", "USA"',
    '  file names: "DSC06241", "IMG_1234.CR3"',
    '  your own titles, captions and typed places (Lightroom\'s Title, Caption, Location): "Moab", "wedding toast"',
    'Other words are ranked by CLIP when a model is installed, else matched in tags, keywords,',
    'titles, captions, places, people, file names and the text in the photos (with CLIP, a title,',
    'caption or text in the photo holding the words as typed comes first). A prefix forces a reading:',
    '  camera: lens: year: date: person: place: tag: keyword: file: name: iso: mm: f: rating: label:',
    'Examples:  rawlight search "dog on the beach 2019"   rawlight search "person:Ada place:Arezzo"',
  ].join('\n'),
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        camera: { type: 'string' },
        person: { type: 'string' },
        tag: { type: 'string' },
        place: { type: 'string' },
        folder: { type: 'string' },
      },
    });
    const query = positionals.join(' ');
    const anyFilter = [values.from, values.to, values.camera, values.person, values.tag, values.place, values.folder].some((v) => v !== undefined);
    if (!query.trim() && !anyFilter) throw new UsageError('give search text or at least one filter');
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
    const from = values.from === undefined ? undefined : parseDateBound(values.from, 'from');
    const to = values.to === undefined ? undefined : parseDateBound(values.to, 'to');
    if (from === null || to === null) throw new UsageError('dates are YYYY, YYYY-MM, YYYY-MM-DD or an ISO time');
    if (from !== undefined && to !== undefined && from >= to) throw new UsageError(`--from ${values.from} is not before --to ${values.to}: no date is both`);

    const cfg = loadConfig(env.places, { env: env.env });
    const db = openIndex(env.places);
    // The one session factory (worker thread, CoreML where available), as in the daemon.
    const sessions = new ModelSessions();
    const clip = clipSourceFromRegistry(createModelRegistry(cfg, env.places), sessions);
    try {
      let encoder: ClipQueryEncoder | null = null;
      const h = clip.current();
      // Load the text tower only when the library has embeddings of that model to rank.
      if (h && getSpace(db, h.id)) {
        try {
          encoder = await h.get();
        } catch (e) {
          env.io.stderr.write(`rawlight: CLIP model ${h.id} unavailable (${(e as Error).message}); searching tags and names instead\n`);
        }
      }
      const r = await search(db, query, {
        limit,
        lexicon: dbLexicon(db, { townNames: openTownNames({ dir: env.places.cacheDir }) }),
        clip: encoder,
        clipInstalled: !!h,
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        ...(values.camera ? { camera: values.camera } : {}),
        ...(values.person ? { person: values.person } : {}),
        ...(values.tag ? { tag: values.tag } : {}),
        ...(values.place ? { place: values.place } : {}),
        ...(values.folder ? { folder: canonicalPath(values.folder) } : {}),
      });
      printResults(env.io, r, values.json);
      return 0;
    } finally {
      await clip.close();
      await sessions.close();
      db.close();
    }
  },
};
