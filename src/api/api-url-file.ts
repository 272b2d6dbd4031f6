import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Places } from '../platform/places.js';

export const API_URL_FILE = 'api-url';

/**
 * Where the running daemon's page is. The configured port may have been taken (startServer then
 * moves to the next free one), so the CLI (`rawlight open`, daemon-client) reads the bound URL
 * from here rather than guessing from config.json.
 */
export function writeApiUrl(places: Places, url: string): void {
  writeFileSync(path.join(places.dataDir, API_URL_FILE), url + '\n', { mode: 0o600 });
}

export function removeApiUrl(places: Places): void {
  rmSync(path.join(places.dataDir, API_URL_FILE), { force: true });
}

/**
 * The URL, or null. `writtenSince` (ms since the epoch): only a URL written since then — the one of
 * a daemon started then; a daemon that was killed leaves its own behind, pointing at nothing.
 */
export function readApiUrl(places: Places, o: { writtenSince?: number } = {}): string | null {
  try {
    const file = path.join(places.dataDir, API_URL_FILE);
    if (o.writtenSince !== undefined && statSync(file).mtimeMs < o.writtenSince) return null;
    const u = readFileSync(file, 'utf8').trim();
    return /^http:\/\/[^\s]+\/$/.test(u) ? u : null;
  } catch {
    return null;
  }
}
