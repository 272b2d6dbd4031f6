import type { TownNames } from '../places/town-names.js';
import type { ReadableDb } from '../store/db.js';
import type { KnownCamera } from './camera-match.js';
import type { Lexicon } from './query-parser.js';

export interface DbLexiconOptions {
  /** How long the camera and lens lists are reused (the daemon's long-lived search); default 30 s. */
  ttlMs?: number;
  now?: () => number;
  /** Towns' other names (places/town-names.ts); none: towns are found by their own names only. */
  townNames?: TownNames;
}

/**
 * The search parser's Lexicon over the database. Cameras and lenses are short distinct lists read
 * from indexes (metadata_camera, metadata_lens) and cached briefly; places, people and tags are
 * looked up phrase by phrase through their NOCASE indexes, so the cost does not grow with the library.
 */
export function dbLexicon(db: ReadableDb, opts: DbLexiconOptions = {}): Lexicon {
  const ttl = opts.ttlMs ?? 30_000;
  const now = opts.now ?? (() => Date.now());
  let cams: { at: number; v: KnownCamera[] } | null = null;
  let lenses: { at: number; v: string[] } | null = null;
  // A place the photos were taken in (GPS) or that the photographer typed as the city, state or
  // country (0220's indexes). Not a typed sublocation: "Beach" or "Home" there would make the word a
  // place, and CLIP's "beach" a filter to those few photos.
  const placeStmt = db.prepare(
        `SELECT value FROM (
           SELECT city AS value FROM places WHERE city = @p COLLATE NOCASE
           UNION ALL SELECT region FROM places WHERE region = @p COLLATE NOCASE
           UNION ALL SELECT country FROM places WHERE country = @p COLLATE NOCASE
           UNION ALL SELECT country FROM places WHERE country_code = @p COLLATE NOCASE
           UNION ALL SELECT place_city FROM metadata WHERE place_city = @p COLLATE NOCASE
           UNION ALL SELECT place_state FROM metadata WHERE place_state = @p COLLATE NOCASE
           UNION ALL SELECT place_country FROM metadata WHERE place_country = @p COLLATE NOCASE) LIMIT 1`,
  );
  const fullName = db.prepare(`SELECT name FROM persons WHERE name = ? COLLATE NOCASE AND ignored = 0`);
  // Persons are few (named people, not faces): a scan of their names is cheap.
  const partName = db.prepare(`SELECT name FROM persons WHERE name IS NOT NULL AND ignored = 0 AND (name LIKE @p || ' %' OR name LIKE '% ' || @p) LIMIT 2`);
  const tagStmt = db.prepare(`SELECT label FROM tags WHERE label = ? COLLATE NOCASE LIMIT 1`);
  // The town as the library stores it, in its own country: "Rome" in Italy, not Rome, Georgia.
  const townStmt = db.prepare(`SELECT city FROM places WHERE city = ? COLLATE NOCASE AND country_code = ? LIMIT 1`);
  return {
    cameras() {
      if (!cams || now() - cams.at > ttl) {
        cams = { at: now(), v: db.prepare(`SELECT DISTINCT make, model FROM metadata WHERE make IS NOT NULL OR model IS NOT NULL`).all() as KnownCamera[] };
      }
      return cams.v;
    },
    lenses() {
      if (!lenses || now() - lenses.at > ttl) {
        lenses = { at: now(), v: (db.prepare(`SELECT DISTINCT lens FROM metadata WHERE lens IS NOT NULL`).all() as { lens: string }[]).map((r) => r.lens) };
      }
      return lenses.v;
    },
    place(phrase) {
      return ((placeStmt.get({ p: phrase }) as { value: string } | undefined)?.value) ?? null;
    },
    person(phrase) {
      const full = fullName.get(phrase) as { name: string } | undefined;
      if (full) return full.name;
      if (/\s/.test(phrase) || phrase.length < 3 || /[%_]/.test(phrase)) return null;
      const hits = partName.all({ p: phrase }) as { name: string }[];
      return hits.length === 1 ? hits[0]!.name : null;
    },
    keyword(phrase) {
      return ((tagStmt.get(phrase) as { label: string } | undefined)?.label) ?? null;
    },
    townByOtherName(phrase) {
      // The most populous town of that name the library has photos in; a name a hundred towns
      // share ("San José") is asked of the largest fifty.
      for (const t of (opts.townNames?.lookup(phrase) ?? []).slice(0, 50)) {
        const hit = townStmt.get(t.name, t.countryCode) as { city: string } | undefined;
        if (hit) return hit.city;
      }
      return null;
    },
  };
}
