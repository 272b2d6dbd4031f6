import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DaemonError, isDaemonError, toDaemonError } from '../errors/index.js';
import type { ExifReader } from '../exiftool/reader.js';
import type { HeicDecoder } from '../image/heic.js';
import { AVIF_EXTS, FORMAT_DECODERS, HEIF_EXTS, JP2_EXTS, JXL_EXTS } from '../image/format-decoders.js';
import { NoComposite, psdCompositeToTiff } from '../image/psd.js';
import { chooseEmbedded } from '../image/choose-embedded.js';
import { locatable, locatedStats, MIN_USEFUL, NotLocated, readLocated } from '../image/embedded-at.js';
import { JPEG_EXTS } from '../store/file-kinds.js';
import { embeddedLocationsFor } from '../store/repositories/embedded-locations.repository.js';
import type { Logger } from 'pino';
import { PREVIEW_SIZE, probeImage, renderPreview, type Rendered } from '../image/render.js';
import type { RenderFn } from '../image/threaded-render.js';
import type { ReadableDb, WritableDb } from '../store/db.js';
import type { FileRow } from '../store/repositories/file.repository.js';
import type { Pass, PassContext, PassOutcome } from './pass.js';
import { stopIfAborted } from './abort.js';

/** Embedded images, best first (ExifTool tag names). */
export const EMBEDDED_TAGS = ['JpgFromRaw', 'PreviewImage', 'OtherImage', 'ThumbnailImage', 'PreviewTIFF', 'ThumbnailTIFF'] as const;

/** Files sharp reads itself (a GIF: its first frame). */
const DIRECT_EXTS = new Set([...JPEG_EXTS, 'png', 'tif', 'tiff', 'webp', 'gif']);
// HEIC, AVIF sequences, JPEG XL and JPEG 2000 go to a platform decoder (format-decoders.ts: sips,
// heif-convert, avifdec, djxl, opj_decompress); sharp's libheif decodes AVIF stills itself and
// applies the container's rotation and mirror, and the decoders give upright pixels too (a JPEG
// 2000 has no orientation to apply).

/** Photoshop documents: their composite image (psd.ts), else the thumbnail Photoshop stores. */
const PSD_EXTS = new Set(['psd', 'psb']);
const PSD_EMBEDDED_TAGS = [...EMBEDDED_TAGS, 'PhotoshopThumbnail'] as const;

export interface PreviewPassDeps {
  exif: ExifReader;
  cacheDir: string;
  heicDecoders: HeicDecoder[];
  /** Decoders for the AVIF files sharp cannot read (image sequences), tried in order after it (default none). */
  avifDecoders?: HeicDecoder[];
  /** JPEG XL decoders, tried in order (default none: JPEG XL files get PREVIEW_NONE). */
  jxlDecoders?: HeicDecoder[];
  /** JPEG 2000 decoders, tried in order (default none: JPEG 2000 files get JP2_DECODER_MISSING). */
  jp2Decoders?: HeicDecoder[];
  /** Long side of the cached preview (default PREVIEW_SIZE). */
  previewSize?: number;
  /** Where the pixels are decoded and encoded (default renderPreview on this thread; the daemon: its renderer threads). */
  render?: RenderFn;
}

interface Source {
  name: string;
  input: Buffer | string;
  /** Orientation still to apply to this source's pixels. */
  orientation: number | null;
}

/** A platform decoder's failure in one line ("not installed" when the tool is missing). */
function decoderFailure(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT' && err.syscall?.startsWith('spawn')) return 'not installed';
  // A tool's own words (its stderr) say why, where "Command failed: <its command line>" does not.
  const said = String((e as { stderr?: unknown }).stderr ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  const lines = [...said, ...err.message.split('\n')];
  return lines.find((l) => /error|invalid|unsupported|truncated/i.test(l)) ?? said.at(-1) ?? err.message.split('\n')[0] ?? String(e);
}

function orientationOf(db: ReadableDb, fileId: number): number | null {
  const r = db.prepare('SELECT orientation FROM metadata WHERE file_id = ?').get(fileId) as { orientation: number | null } | undefined;
  return r?.orientation ?? null;
}

/**
 * `preview`: the best embedded image of a RAW (or the file itself for JPEG/PNG/TIFF/WebP, the
 * platform decoder for HEIC), upright, bounded, stored once in the cache with a thumbnail.
 */
export function createPreviewPass(deps: PreviewPassDeps): Pass {
  const previewSize = deps.previewSize ?? PREVIEW_SIZE;
  const render = deps.render ?? renderPreview;
  /**
   * The smallest embedded image that still covers the preview size (a full-size JpgFromRaw costs
   * several times the decode of a 2048 px PreviewImage), else the largest there is. Where the
   * metadata pass recorded the images' offsets, their headers and the chosen one are read straight
   * from the file and checked (embedded-at.ts); otherwise, or when those offsets do not hold, all
   * candidates come out of one ExifTool command and only their headers are read to choose.
   */
  async function embedded(f: FileRow, db: ReadableDb, log: Logger | undefined, tried: string[], tags: readonly string[] = EMBEDDED_TAGS): Promise<{ name: string; buf: Buffer } | null> {
    const loc = locatable(f.ext) ? embeddedLocationsFor(db, f.id, f.content_hash) : null;
    if (loc) {
      try {
        const c = await readLocated(f.path, loc, { previewSize, ext: f.ext.toLowerCase(), scannedSig: f.scanned_sig, probe: probeImage });
        tried.push(...c.tried);
        locatedStats.read++;
        return c;
      } catch (e) {
        if (!(e instanceof NotLocated)) throw e;
        locatedStats.fellBack++;
        log?.debug({ path: f.path, reason: e.message }, 'preview: recorded embedded image offsets do not hold; asking ExifTool');
      }
    }
    const file = f.path;
    const images = await deps.exif.embeddedImages(file, tags);
    const usable: { name: string; buf: Buffer; long: number }[] = [];
    for (const tag of tags) {
      const buf = images.get(tag);
      if (!buf) continue;
      const m = await probeImage(buf);
      if (!m) {
        tried.push(`${tag}: not decodable`);
        continue;
      }
      const long = Math.max(m.width, m.height);
      if (long < MIN_USEFUL) {
        tried.push(`${tag}: only ${m.width}x${m.height}`);
        continue;
      }
      usable.push({ name: tag, buf, long });
    }
    return chooseEmbedded(usable, previewSize);
  }

  /** What each platform decoder makes of the file, in order; a failure is noted and the next one tried. */
  async function* decoded(decoders: readonly HeicDecoder[] | undefined, file: string, tried: string[]): AsyncGenerator<Source> {
    for (const d of decoders ?? []) {
      try {
        // Platform decoders apply the container's transforms themselves: pixels come out upright.
        yield { name: d.name, input: await d.toJpeg(file), orientation: 1 };
      } catch (e) {
        // No room to decode into (Node's ENOSPC, or a decoder's as viaTemp sorts it): the pass waits
        // for room (retried) rather than settling for an embedded thumbnail or a final PREVIEW_NONE.
        const err = toDaemonError(e);
        if (err.code === 'DISK_FULL') throw err;
        tried.push(`${d.name}: ${decoderFailure(e)}`);
      }
    }
  }

  /**
   * A Photoshop document's composite, as a TIFF in a temporary folder that lives while the caller
   * renders it (removed when the caller moves on or stops). A document without a composite to read
   * is noted in `tried`; no room for it is DISK_FULL, as for the platform decoders.
   */
  async function* psdComposite(file: string, orientation: number | null, tried: string[]): AsyncGenerator<Source> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rawlight-psd-'));
    try {
      const tiff = path.join(dir, 'composite.tif');
      try {
        await psdCompositeToTiff(file, tiff);
      } catch (e) {
        if (!(e instanceof NoComposite)) throw toDaemonError(e);
        tried.push(`composite: ${e.message}`);
        return;
      }
      yield { name: 'composite', input: tiff, orientation };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function sources(f: FileRow, db: ReadableDb, log: Logger | undefined, orientation: number | null, tried: string[]): Promise<AsyncGenerator<Source>> {
    return (async function* () {
      if (PSD_EXTS.has(f.ext)) {
        yield* psdComposite(f.path, orientation, tried);
        // A foreign file in Photoshop clothing (a JPEG saved as .psd): its own pixels before any
        // thumbnail. libvips opens no real Photoshop document, so this costs them a header check.
        if (await probeImage(f.path)) yield { name: 'file', input: f.path, orientation };
        const e = await embedded(f, db, log, tried, PSD_EMBEDDED_TAGS);
        if (e) yield { name: e.name, input: e.buf, orientation };
        return;
      }
      if (AVIF_EXTS.has(f.ext)) {
        yield { name: 'file', input: f.path, orientation: 1 };
        yield* decoded(deps.avifDecoders, f.path, tried);
        return;
      }
      if (JXL_EXTS.has(f.ext)) {
        yield* decoded(deps.jxlDecoders, f.path, tried);
        return;
      }
      if (JP2_EXTS.has(f.ext)) {
        yield* decoded(deps.jp2Decoders, f.path, tried);
        return;
      }
      if (HEIF_EXTS.has(f.ext)) {
        if (await probeImage(f.path)) yield { name: 'file', input: f.path, orientation };
        yield* decoded(deps.heicDecoders, f.path, tried);
        const thumb = await embedded(f, db, log, tried);
        if (thumb) yield { name: thumb.name, input: thumb.buf, orientation };
        return;
      }
      if (DIRECT_EXTS.has(f.ext)) {
        yield { name: 'file', input: f.path, orientation };
        const e = await embedded(f, db, log, tried);
        if (e) yield { name: e.name, input: e.buf, orientation };
        return;
      }
      const e = await embedded(f, db, log, tried);
      if (e) yield { name: e.name, input: e.buf, orientation };
      // A foreign file in RAW clothing (a JPEG renamed .NEF) still has pixels.
      if (await probeImage(f.path)) yield { name: 'file', input: f.path, orientation };
    })();
  }

  return {
    name: 'preview',
    version: 1,
    resource: 'cpu',
    after: ['metadata'],
    description: 'best embedded image (JpgFromRaw, PreviewImage, ThumbnailImage) or the decoded file, upright, cached with a thumbnail',
    inputKey(db: ReadableDb, f: FileRow) {
      if (!f.content_hash) return null;
      return `${f.content_hash}:${orientationOf(db, f.id) ?? 1}`;
    },
    async run(ctx: PassContext): Promise<PassOutcome> {
      const f = ctx.file;
      const orientation = orientationOf(ctx.db, f.id);
      const tried: string[] = [];
      let rendered: Rendered | null = null;
      let used: Source | null = null;
      for await (const s of await sources(f, ctx.db, ctx.log, orientation, tried)) {
        stopIfAborted(ctx.signal, 'rendering a preview');
        try {
          rendered = await render(s.input, s.orientation, { cacheDir: deps.cacheDir, previewSize });
          used = s;
          break;
        } catch (e) {
          if (!isDaemonError(e) || e.code === 'DISK_FULL') throw e; // a full cache: every other source would need room too
          tried.push(`${s.name}: ${e.message.replace(/^The image data could not be decoded: /, '')}`);
        }
      }
      if (!rendered || !used) {
        // A format only a platform decoder opens, and none installed: say which one to install.
        const needs = FORMAT_DECODERS.find((d) => d.exts.has(f.ext));
        if (needs && (tried.some((t) => /: not installed$/.test(t)) || (needs.whenNoneTried && tried.length === 0))) {
          throw new DaemonError(needs.code, `${tried.join('; ') || 'no decoder'}. ${needs.install}`);
        }
        throw new DaemonError('PREVIEW_NONE', tried.length ? tried.join('; ') : 'no embedded JPEG, TIFF or thumbnail');
      }
      const r = rendered;
      // The rendered files are content-addressed cache entries: left for the next run, never recorded.
      stopIfAborted(ctx.signal, 'recording the preview');
      const applied = used.orientation ?? 1;
      return {
        output: { source: used.name, width: r.width, height: r.height, previewHash: r.previewHash, ...(tried.length ? { skipped: tried } : {}) },
        commit: (db: WritableDb) => {
          db.prepare(
            `INSERT INTO previews (file_id, preview_hash, source, width, height, bytes, path, thumb_path, orientation, made_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (file_id) DO UPDATE SET preview_hash=excluded.preview_hash, source=excluded.source, width=excluded.width,
               height=excluded.height, bytes=excluded.bytes, path=excluded.path, thumb_path=excluded.thumb_path,
               orientation=excluded.orientation, made_at=excluded.made_at`,
          ).run(f.id, r.previewHash, used.name, r.width, r.height, r.bytes, r.path, r.thumbPath, applied, Date.now());
        },
      };
    },
  };
}
