import { accessSync, constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ErrorCode } from '../errors/index.js';

/**
 * The formats only a platform decoder opens (sharp's prebuilt libvips has no loader for them): the
 * tool on Linux and its Debian package, the macOS release whose ImageIO (through `sips`) reads
 * them, and what to say when none is there. One table for the preview pass and `rawlight doctor`.
 */
export interface FormatDecoder {
  format: string;
  exts: ReadonlySet<string>;
  code: ErrorCode;
  linux: { tool: string; debian: string };
  /** The first macOS release whose `sips` reads the format. */
  macos: number;
  install: string;
  /** Said even when no decoder was tried (the format has no other way in: no embedded image). */
  whenNoneTried?: boolean;
}

export const HEIF_EXTS: ReadonlySet<string> = new Set(['heic', 'heif', 'hif', 'heics', 'heifs']);
/** AVIF: sharp decodes stills; image sequences (animated AVIF) need a platform decoder. */
export const AVIF_EXTS: ReadonlySet<string> = new Set(['avif', 'avifs']);
export const JXL_EXTS: ReadonlySet<string> = new Set(['jxl']);
export const JP2_EXTS: ReadonlySet<string> = new Set(['jp2', 'jpf', 'jpx', 'j2k', 'j2c']);

export const FORMAT_DECODERS: readonly FormatDecoder[] = [
  { format: 'HEIC', exts: HEIF_EXTS, code: 'HEIC_DECODER_MISSING', linux: { tool: 'heif-convert', debian: 'libheif-examples' }, macos: 11, install: 'On Linux install heif-convert (Debian: libheif-examples)' },
  { format: 'AVIF image sequences', exts: AVIF_EXTS, code: 'AVIF_DECODER_MISSING', linux: { tool: 'avifdec', debian: 'libavif-bin' }, macos: 13, install: 'On Linux install avifdec (Debian: libavif-bin); on macOS 13+ sips reads AVIF sequences' },
  { format: 'JPEG XL', exts: JXL_EXTS, code: 'JXL_DECODER_MISSING', linux: { tool: 'djxl', debian: 'libjxl-tools' }, macos: 14, install: 'On Linux install djxl (Debian: libjxl-tools); on macOS 14+ sips reads JPEG XL', whenNoneTried: true },
  { format: 'JPEG 2000', exts: JP2_EXTS, code: 'JP2_DECODER_MISSING', linux: { tool: 'opj_decompress', debian: 'libopenjp2-tools' }, macos: 11, install: 'On Linux install opj_decompress (Debian: libopenjp2-tools); on macOS sips reads JPEG 2000', whenNoneTried: true },
];

export interface DecoderAvailability {
  format: string;
  /** The tool's path when it is there. */
  found: string | null;
  detail: string;
}

export interface AvailabilityOptions {
  platform?: NodeJS.Platform;
  /** PATH to look in (Linux). */
  pathEnv?: string;
  /** The Darwin kernel's release (os.release()): 23.x is macOS 14. */
  darwinRelease?: string;
  /** Whether a file is an executable (tests give their own). */
  isExecutable?: (file: string) => boolean;
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which decoder each format gets on this machine, or what to install for it. */
export function decoderAvailability(o: AvailabilityOptions = {}): DecoderAvailability[] {
  const platform = o.platform ?? process.platform;
  const isExec = o.isExecutable ?? executable;
  if (platform === 'darwin') {
    // Darwin 20 is macOS 11 and each release adds one to both, up to Darwin 24 (macOS 15); Darwin 25
    // is macOS 26, when Apple numbered its releases by year.
    const darwin = Number((o.darwinRelease ?? os.release()).split('.')[0]);
    const macos = darwin >= 25 ? darwin + 1 : darwin - 9;
    const sips = isExec('/usr/bin/sips') ? '/usr/bin/sips' : null;
    return FORMAT_DECODERS.map((d) => {
      const ok = sips !== null && macos >= d.macos;
      return { format: d.format, found: ok ? sips : null, detail: ok ? `sips (macOS ${macos})` : sips ? `sips reads it from macOS ${d.macos} on (this is macOS ${macos}); these photos get no preview` : 'sips is missing from /usr/bin' };
    });
  }
  const dirs = (o.pathEnv ?? process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return FORMAT_DECODERS.map((d) => {
    const found = dirs.map((dir) => path.join(dir, d.linux.tool)).find(isExec) ?? null;
    return { format: d.format, found, detail: found ? `${d.linux.tool} (${found})` : `${d.linux.tool} is not installed: these photos get no preview until it is (Debian: ${d.linux.debian})` };
  });
}
