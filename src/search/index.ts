export { search, similar, looksLikeFileName, queryTerms, DEFAULT_LIMIT, type SearchOptions, type SearchResult, type SearchResponse, type SearchFilters, type ClipQueryEncoder, type SimilarOptions } from './search.js';
export { tagsForFile, type TagRow } from './tag.repository.js';
export { BitIndexCache, listSpaces, pruneSpaces, dropSpace } from './clip-embedding.repository.js';
export { createSearchService, type SearchService, type SearchServiceDeps } from './search.service.js';
