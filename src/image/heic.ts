import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HeicDecoder {
  readonly name: string;
  /** Decodes to a JPEG buffer, or throws. */
  toJpeg(file: string): Promise<Buffer>;
}

async function viaTemp(fn: (out: string) => Promise<unknown>): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rawlight-heic-'));
  try {
    const out = path.join(dir, 'out.jpg');
    await fn(out);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** macOS: the system's own HEVC decoder through `sips`. */
export const sipsDecoder: HeicDecoder = {
  name: 'sips',
  toJpeg: (file) => viaTemp((out) => run('/usr/bin/sips', ['-s', 'format', 'jpeg', file, '--out', out], { timeout: 60_000 })),
};

/** Linux: libheif's `heif-convert` (Debian libheif-examples) when installed. */
export const heifConvertDecoder: HeicDecoder = {
  name: 'heif-convert',
  toJpeg: (file) => viaTemp((out) => run('heif-convert', ['-q', '90', file, out], { timeout: 60_000 })),
};

/**
 * HEVC-coded HEIC (iPhones) can't be decoded by sharp's prebuilt libvips (AVIF only), so use the
 * platform's decoder. Orientation: both tools write upright pixels and drop the orientation tag.
 */
export function platformHeicDecoders(platform = process.platform): HeicDecoder[] {
  return platform === 'darwin' ? [sipsDecoder] : [heifConvertDecoder];
}
