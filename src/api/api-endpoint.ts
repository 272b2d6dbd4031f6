import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Places } from '../platform/places.js';

/** Where a running daemon says its API listens (the port may not be the configured one). */
export const ENDPOINT_FILE = 'api-endpoint.json';

export function endpointPath(places: Places): string {
  return path.join(places.dataDir, ENDPOINT_FILE);
}

export function writeEndpoint(places: Places, url: string, pid = process.pid): void {
  writeFileSync(endpointPath(places), JSON.stringify({ url, pid }) + '\n', { mode: 0o600 });
}

export function removeEndpoint(places: Places, pid = process.pid): void {
  if (readEndpoint(places)?.pid === pid) rmSync(endpointPath(places), { force: true });
}

export function readEndpoint(places: Places): { url: string; pid: number } | null {
  try {
    const v = JSON.parse(readFileSync(endpointPath(places), 'utf8')) as { url?: unknown; pid?: unknown };
    return typeof v.url === 'string' && typeof v.pid === 'number' ? { url: v.url, pid: v.pid } : null;
  } catch {
    return null;
  }
}
