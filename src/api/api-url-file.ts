import { readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export function readApiUrl(places: Places): string | null {
  try {
    const u = readFileSync(path.join(places.dataDir, API_URL_FILE), 'utf8').trim();
    return /^http:\/\/[^\s]+\/$/.test(u) ? u : null;
  } catch {
    return null;
  }
}
