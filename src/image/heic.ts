import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { copyAsStill } from './ftyp.js';
import { requireRoom, roomIn } from './temp-room.js';

const run = promisify(execFile);

export interface HeicDecoder {
  readonly name: string;
  /** Decodes to a JPEG buffer, or throws. */
  toJpeg(file: string): Promise<Buffer>;
}

/**
 * Runs a decoder that writes `out` (and maybe out-1, out-2… for multi-image files); returns the
 * largest. While the temporary folder is (nearly) full the answer is DISK_FULL, retried once there
 * is room, whatever the tool did: heif-convert does not check its writes and exits 0 leaving an
 * empty or cut-short JPEG, and a full disk is not the photo's fault. `room`: the free-space probe
 * (tests give their own).
 */
export async function viaTemp(fn: (out: string) => Promise<unknown>, ext = '.jpg', room: (dir: string) => Promise<number> = roomIn): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rawlight-heic-'));
  try {
    try {
      await fn(path.join(dir, `out${ext}`));
    } catch (e) {
      await requireRoom(path.dirname(dir), { room, cause: e });
      throw e;
    }
    await requireRoom(path.dirname(dir), { room });
    // A HEIF with several top-level images (bursts, iPhone collections) gives out-1.jpg, out-2.jpg…:
    // the largest is the photo, the others are thumbnails or depth maps.
    let best: { file: string; size: number } | null = null;
    for (const f of await readdir(dir)) {
      if (!f.endsWith(ext)) continue;
      const size = (await stat(path.join(dir, f))).size;
      if (size > 0 && (!best || size > best.size)) best = { file: f, size };
    }
    if (!best) throw new Error('the decoder wrote no image');
    return await readFile(path.join(dir, best.file));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** macOS: ImageIO through `sips`, for HEIC (the system's HEVC decoder), AVIF sequences, JPEG XL and JPEG 2000 alike. */
export const sipsDecoder: HeicDecoder = {
  name: 'sips',
  toJpeg: (file) => viaTemp((out) => run('/usr/bin/sips', ['-s', 'format', 'jpeg', file, '--out', out], { timeout: 60_000 })),
};

/**
 * Linux: libheif's `heif-convert` (Debian libheif-examples) when installed. A HEIF image sequence
 * (bursts, animations) is handed over as a copy under its still-image brand (see copyAsStill),
 * which heif-convert 1.15 otherwise refuses; its top-level images are then decoded as a collection's.
 */
export const heifConvertDecoder: HeicDecoder = {
  name: 'heif-convert',
  toJpeg: (file) =>
    viaTemp(async (out) => {
      const input = (await copyAsStill(file, path.join(path.dirname(out), 'still.heic'))) ?? file;
      return run('heif-convert', ['--quiet', '-q', '90', input, out], { timeout: 60_000 });
    }),
};

/**
 * HEVC-coded HEIC (iPhones) can't be decoded by sharp's prebuilt libvips (AVIF only), so use the
 * platform's decoder. Orientation: both tools write upright pixels and drop the orientation tag.
 */
export function platformHeicDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsDecoder] : [heifConvertDecoder];
}
