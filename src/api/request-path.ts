import path from 'node:path';

/**
 * The path as a router could come to read it: percent-decoded until it stops changing (so
 * `%2561pi` counts as `api`), backslashes as slashes, duplicate slashes folded, dot segments
 * resolved, lower-cased. Security checks look at this, never at the raw URL, so no spelling of
 * `/api` slips past them; being stricter than the router only ever refuses more.
 */
export function normalisedPath(url: string): string {
  let p = url.split(/[?#]/, 1)[0] ?? '';
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(p);
    } catch {
      next = p.replace(/%([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
    if (next === p) break;
    p = next;
  }
  p = p.replace(/\\/g, '/').replace(/\0/g, '');
  const norm = path.posix.normalize('/' + p).replace(/\/{2,}/g, '/');
  return norm.toLowerCase();
}

/** True for `/api` and everything under it. */
export function isApiPath(p: string): boolean {
  return p === '/api' || p.startsWith('/api/');
}
