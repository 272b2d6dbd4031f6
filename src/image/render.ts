import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type OutputInfo } from 'sharp';
import { DaemonError } from '../errors/index.js';
import { JPEG_EXTS } from '../store/file-kinds.js';
import { applyOrientation } from './orient.js';

export interface RenderOptions {
  cacheDir: string;
  /** Long side of the cached preview (what every ML pass reads). */
  previewSize?: number;
  /** Long side of the grid thumbnail. */
  thumbSize?: number;
}

export interface Rendered {
  previewHash: string;
  width: number;
  height: number;
  bytes: number;
  /** Paths relative to the cache folder (content-addressed by the preview hash). */
  path: string;
  thumbPath: string;
}

export const PREVIEW_SIZE = 2048;

/**
 * The largest image rendered: JPEG's own limit (65535 px a side). sharp's default (2^28, 268 MP)
 * refused stitched panoramas (a 24000x12000 JPEG: "Input image exceeds pixel limit"), which
 * photographers make from a handful of frames. The reduction to the preview streams (JPEG shrinks
 * while decoding; TIFF and PNG are read a strip at a time), so memory follows the preview's size,
 * not the panorama's.
 */
export const MAX_INPUT_PIXELS = 65535 * 65535;
export const THUMB_SIZE = 360;

/** Size of a decodable image, or null. Cheap: reads the header only. */
export async function probeImage(input: Buffer | string): Promise<{ width: number; height: number; format: string } | null> {
  try {
    const m = await sharp(input, { failOn: 'none' }).metadata();
    if (!m.width || !m.height) return null;
    return { width: m.width, height: m.height, format: m.format ?? 'unknown' };
  } catch {
    return null;
  }
}

/** A JPEG (SOI marker, or a JPEG extension): always 8-bit, the common case, known without a read. */
function isJpeg(input: Buffer | string): boolean {
  return typeof input === 'string' ? JPEG_EXTS.has(path.extname(input).slice(1).toLowerCase()) : input.length > 2 && input[0] === 0xff && input[1] === 0xd8;
}

/**
 * Whether sharp will take the image into Display P3 rather than sRGB: it converts an image with an
 * embedded profile into its working space, P3 for 16-bit RGB (a 16-bit TIFF or PSD composite, a
 * 10-bit AVIF) and sRGB for the rest, and `toColourspace('srgb')` then only narrows the samples to
 * 8 bits. The preview must hold sRGB values: without an output transform a 16-bit sRGB document's
 * pure red came out 234,51,34 (its P3 coordinates); Lightroom's "Edit in Photoshop" writes 16-bit
 * ProPhoto TIFF or PSD by default. JPEGs skip the header read.
 */
async function takenIntoP3(input: Buffer | string): Promise<boolean> {
  if (isJpeg(input)) return false;
  try {
    const m = await sharp(input, { failOn: 'none' }).metadata();
    return m.space === 'rgb16' && m.hasProfile === true;
  } catch {
    return false; // the decode below says what is wrong
  }
}

async function writeOnce(file: string, data: Buffer): Promise<void> {
  try {
    await stat(file);
    return; // content-addressed: already there
  } catch {
    /* write it */
  }
  await mkdir(path.dirname(file), { recursive: true });
  // Unique per write, not per process: two workers rendering the same pixels at once (a photo and
  // its metadata-only copy) each rename their own complete file over the one content address.
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

/** libjpeg's warnings, which libvips reports before the error that stopped the decode. */
const JPEG_WARNING = /Corrupt JPEG data: \d+ extraneous bytes|Warning: /;

/**
 * What libvips says of a failed decode, in one line: each thing once (it repeats them per attempt)
 * and the error before libjpeg's warnings. Its first line alone was often a warning ("Corrupt JPEG
 * data: 3 extraneous bytes before marker 0xed") where the next said why: "SOS before SOF".
 */
export function decodeFailure(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const first = lines[0] ?? message;
  // "Input file has corrupt header: VipsJpeg: …": the part before the loader's words stays in front.
  const at = first.search(/Vips\w+: /);
  const lead = at > 0 ? first.slice(0, at) : '';
  const said = [...new Set([at > 0 ? first.slice(at) : first, ...lines.slice(1)])];
  const errors = said.filter((l) => !JPEG_WARNING.test(l));
  return lead + (errors.length ? errors : said).join('; ');
}

/**
 * Decodes an image, turns it upright (explicit EXIF orientation), bounds its size, and stores a
 * preview JPEG and a thumbnail in the cache. The preview hash is taken over the upright pixels,
 * not the encoded bytes, so a metadata-only change to a photo never changes it.
 */
export async function renderPreview(input: Buffer | string, orientation: number | null, o: RenderOptions): Promise<Rendered> {
  const size = o.previewSize ?? PREVIEW_SIZE;
  let raw: { data: Buffer; info: OutputInfo };
  try {
    // failOn 'none': a truncated scan still gives the part that decodes (libjpeg greys the rest),
    // which beats no preview at all; a header that cannot be parsed still fails.
    // Resize first, turn upright after: libvips only shrinks a JPEG while decoding it (DCT scaling,
    // several times faster on a full-size JpgFromRaw) when the resize comes right after the load,
    // and a rotation in between disables it. The bounding box is square, so the order does not
    // change the size.
    const load = sharp(input, { failOn: 'none', limitInputPixels: MAX_INPUT_PIXELS }).resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true });
    if (await takenIntoP3(input)) load.withIccProfile('srgb'); // from P3 back to sRGB (see takenIntoP3)
    const decoded = await load
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    raw =
      orientation && orientation >= 2 && orientation <= 8
        ? await applyOrientation(sharp(decoded.data, { raw: { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels } }), orientation)
            .raw()
            .toBuffer({ resolveWithObject: true })
        : decoded;
  } catch (e) {
    throw new DaemonError('PREVIEW_DECODE_FAILED', decodeFailure((e as Error).message), { cause: e });
  }
  const { width, height, channels } = raw.info;
  const previewHash = createHash('sha256').update(`${width}x${height}x${channels}:`).update(raw.data).digest('hex').slice(0, 32);
  const fromRaw = () => sharp(raw.data, { raw: { width, height, channels } });
  // The thumbnail comes from the same decoded pixels, encoded alongside the preview.
  const [jpeg, thumb] = await Promise.all([
    fromRaw().jpeg({ quality: 85, mozjpeg: false }).toBuffer(),
    fromRaw()
      .resize({ width: o.thumbSize ?? THUMB_SIZE, height: o.thumbSize ?? THUMB_SIZE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 78 })
      .toBuffer(),
  ]);
  const rel = path.join('previews', previewHash.slice(0, 2), `${previewHash}.jpg`);
  const thumbRel = path.join('thumbs', previewHash.slice(0, 2), `${previewHash}.jpg`);
  await writeOnce(path.join(o.cacheDir, rel), jpeg);
  await writeOnce(path.join(o.cacheDir, thumbRel), thumb);
  return { previewHash, width, height, bytes: jpeg.length, path: rel, thumbPath: thumbRel };
}
