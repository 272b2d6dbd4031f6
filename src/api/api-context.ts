import type { ApiDeps } from './api-deps.js';
import type { SseHub } from './sse-hub.js';
import type { StatusService } from './status-service.js';

/** What every route module gets: the deps plus the shared services built once per server. */
export interface ApiContext {
  deps: ApiDeps;
  status: StatusService;
  hub: SseHub;
  /** The current API token (changes when `rawlight token rotate` runs). */
  token: () => string;
  reveal: (file: string) => Promise<{ revealed: boolean; how: string }>;
}

/** Path parameter schema for numeric ids; a malformed id answers 404 (see api-error.ts). */
export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
} as const;

export const pageQuery = {
  offset: { type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 60 },
} as const;

export const errorResponses = {};

export function idOf(params: unknown): number {
  return Number((params as { id: string }).id);
}
