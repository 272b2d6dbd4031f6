import path from 'node:path';
import { decodeRgb, type RgbImage } from './image.js';

export interface DecodedPreviewsOptions {
  /** Folder the previews' relative paths start from. */
  cacheDir: string;
  /** Decoded previews kept (each ~9 MiB at 2048 px, plus ~0.8 MiB for the detector's reduced copy: see pyramid.ts). */
  maxEntries: number;
  /** The decoder (tests count calls through it). */
  decode?: (file: string) => Promise<RgbImage>;
}

/**
 * The decoded pixels of recent previews, keyed on the preview hash, so the preview-keyed passes of
 * one photo (faces, CLIP, classifier tags, OCR) decode its preview JPEG once between them instead of
 * once each. A small LRU rather than running those passes back to back on one worker: the queue
 * hands out a file's ML jobs next to each other anyway (they are queued together when its preview
 * is done), so the workers that take them meet here, and concurrent requests share one decode in
 * flight. OCR runs after the other passes of its priority (Pass.runsLast): with a backlog it comes
 * after this cache has moved on and decodes the preview again, 15-25 ms against its 0.6-1 s.
 * A failed decode is not kept (the next pass tries again and records its own error).
 */
export class DecodedPreviews {
  private readonly entries = new Map<string, Promise<RgbImage>>();
  private readonly decode: (file: string) => Promise<RgbImage>;
  /** Counters for tests and benchmarks. */
  readonly stats = { hits: 0, decodes: 0 };

  constructor(private readonly o: DecodedPreviewsOptions) {
    this.decode = o.decode ?? decodeRgb;
  }

  /** The upright RGB pixels of the preview with this hash, stored at `relPath` in the cache. */
  get(previewHash: string, relPath: string): Promise<RgbImage> {
    const hit = this.entries.get(previewHash);
    if (hit) {
      this.stats.hits++;
      this.entries.delete(previewHash); // re-insert: most recently used last
      this.entries.set(previewHash, hit);
      return hit;
    }
    this.stats.decodes++;
    const p = this.decode(path.join(this.o.cacheDir, relPath));
    this.entries.set(previewHash, p);
    p.catch(() => {
      if (this.entries.get(previewHash) === p) this.entries.delete(previewHash);
    });
    while (this.entries.size > Math.max(0, this.o.maxEntries)) this.entries.delete(this.entries.keys().next().value!);
    return p;
  }

  /** Drops everything (the queue ran dry: an idle daemon keeps no pixels). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
