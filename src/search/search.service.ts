import type { ClipSource } from '../ml/clip/model-sources.js';
import type { TownNames } from '../places/town-names.js';
import type { ReadableDb } from '../store/db.js';
import { BitIndexCache } from './clip-embedding.repository.js';
import { dbLexicon } from './lexicon.repository.js';
import { search, similar, type ClipQueryEncoder, type SearchFilters, type SearchResponse, type TermMatcher } from './search.js';

export interface SearchServiceDeps {
  db: ReadableDb;
  clip: ClipSource;
  /** More sources of word matches (recognised text …), after tags, keywords, places, people, names. */
  matchers?: readonly TermMatcher[];
  /** Towns' other names ("München" for Munich); none: towns by their own names only. */
  townNames?: TownNames;
}

/**
 * Search for a long-lived owner (the daemon's API): keeps the bit indexes warm between queries and
 * loads the CLIP text tower on first use. Fits the API's SearchPort (results carry fileId + score).
 */
export function createSearchService({ db, clip, matchers = [], townNames }: SearchServiceDeps) {
  const bitIndexes = new BitIndexCache();
  // Camera and lens lists are reused for a while; places, people and tags are looked up per query.
  const lexicon = dbLexicon(db, townNames ? { townNames } : {});
  async function encoder(): Promise<ClipQueryEncoder | null> {
    const h = clip.current();
    if (!h) return null;
    // A CLIP model that fails to load leaves text search working.
    return h.get().catch(() => null);
  }
  return {
    async search(q: string, opts: { limit: number } & SearchFilters): Promise<SearchResponse['results']> {
      return (await this.query(q, opts)).results;
    },
    /** The whole answer: results, what the query was read as, and what ran. */
    async query(q: string, opts: { limit: number } & SearchFilters): Promise<SearchResponse> {
      return search(db, q, { ...opts, clip: await encoder(), clipInstalled: clip.current() !== null, bitIndexes, lexicon, matchers });
    },
    /** "More like this" needs CLIP image embeddings: false when no CLIP model is installed. */
    clipInstalled(): boolean {
      return clip.current() !== null;
    },
    similar(fileId: number, opts: { limit: number }): SearchResponse['results'] {
      const h = clip.current();
      return similar(db, fileId, opts.limit, { bitIndexes, ...(h ? { modelId: h.id } : {}) }).results;
    },
  };
}

export type SearchService = ReturnType<typeof createSearchService>;
