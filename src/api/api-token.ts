import { randomBytes, createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * What the browser's session cookie holds: a secret derived from the token, never the token
 * itself (a cookie leaks more easily than a file: devtools, a browser profile copy). A new token
 * changes it, so `rawlight token rotate` signs every browser out.
 */
export function sessionSecret(token: string): string {
  if (token !== lastSecret[0]) lastSecret = [token, createHmac('sha256', token).update('rawlight browser session v1').digest('base64url')];
  return lastSecret[1];
}

/** The last token's secret: every request checks it, the token rarely changes. */
let lastSecret: [string, string] = ['', ''];

/**
 * Replaces the token with a new one (a temp file renamed over the old, so a reader sees the old
 * or the new token, never half of one). Returns the new token.
 */
export function rotateToken(places: Places): string {
  const file = tokenPath(places);
  mkdirSync(places.configDir, { recursive: true, mode: 0o700 });
  const token = randomBytes(32).toString('base64url');
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, token + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return token;
}

/**
 * The daemon's view of the token: re-read when the file changes (a rename gives it a new inode),
 * so a rotation takes effect at once without a restart. One stat per call; the file is read only
 * when it changed, and at least once a second anyway (a file system with coarse timestamps could
 * give a new file the old one's inode, time and size). If the file vanishes, the last token stays
 * valid (deleting it is not a rotation).
 */
export function tokenReader(places: Places, initial: string, now: () => number = Date.now): () => string {
  const file = tokenPath(places);
  let token = initial;
  let key = statKey(file);
  let readAt = now();
  return () => {
    const k = statKey(file);
    if (k !== null && (k !== key || now() - readAt >= 1000)) {
      const t = readTokenFile(file);
      if (t) token = t;
      key = k;
      readAt = now();
    }
    return token;
  };
}

function statKey(file: string): string | null {
  try {
    const st = statSync(file, { bigint: true });
    return `${st.ino}:${st.mtimeNs}:${st.size}`;
  } catch {
    return null;
  }
}
