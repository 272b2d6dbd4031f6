import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Places } from '../platform/places.js';

export const TOKEN_FILE = 'api-token';

export function tokenPath(places: Places): string {
  return path.join(places.configDir, TOKEN_FILE);
}

/**
 * Returns the API token, creating it (32 random bytes, mode 0600) on first use. install.sh calls
 * this; the daemon calls it again at start. A token file others can read is tightened to 0600
 * because anyone holding it may change state through the API.
 */
export function ensureToken(places: Places): string {
  const file = tokenPath(places);
  mkdirSync(places.configDir, { recursive: true, mode: 0o700 });
  const existing = readTokenFile(file);
  if (existing) {
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  try {
    writeFileSync(file, token + '\n', { mode: 0o600, flag: 'wx' });
    return token;
  } catch (e) {
    // Another process (install.sh racing the daemon) created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
      const theirs = readTokenFile(file);
      if (theirs) return theirs;
    }
    throw e;
  }
}

function readTokenFile(file: string): string | null {
  try {
    const t = readFileSync(file, 'utf8').trim();
    return t.length >= 16 ? t : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Constant-time comparison (hashing first makes the lengths equal). */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
