import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './api-error.js';

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp', '.png': 'image/png', '.avif': 'image/avif' };

/**
 * Resolves a cache-relative path from the database to a real file strictly inside the cache
 * folder (after following symlinks), or null. The request never supplies the path: this guards
 * against a bad row, not the caller.
 */
export async function resolveInCache(cacheDir: string, rel: string): Promise<string | null> {
  if (!rel || path.isAbsolute(rel) || rel.includes('\0')) return null;
  let root: string;
  let full: string;
  try {
    root = await realpath(cacheDir);
    full = await realpath(path.resolve(cacheDir, rel));
  } catch {
    return null;
  }
  return full.startsWith(root + path.sep) ? full : null;
}

/**
 * Streams a cached image with validators. `version` (the ?v= the page got from the API) matching
 * the current hash makes the response immutable; otherwise it must be revalidated (ETag).
 */
export async function sendCachedImage(req: FastifyRequest, reply: FastifyReply, cacheDir: string, rel: string, hash: string, version: string | undefined): Promise<FastifyReply> {
  const type = TYPES[path.extname(rel).toLowerCase()];
  const full = type ? await resolveInCache(cacheDir, rel) : null;
  if (!full || !type) throw notFound('image');
  const st = await stat(full).catch(() => null);
  if (!st?.isFile()) throw notFound('image');
  const etag = `"${hash.slice(0, 32)}-${st.size}"`;
  void reply.header('etag', etag);
  void reply.header('cache-control', version && hash.startsWith(version) ? 'private, max-age=31536000, immutable' : 'private, no-cache');
  if (req.headers['if-none-match'] === etag) return reply.status(304).send();
  void reply.type(type).header('content-length', st.size);
  return reply.send(createReadStream(full));
}
