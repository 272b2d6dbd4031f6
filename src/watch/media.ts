import path from 'node:path';
import { kindOfExt } from '../store/file-kinds.js';
import type { FileKind } from '../store/repositories/file.repository.js';

export function extOf(p: string): string {
  return path.extname(p).slice(1).toLowerCase();
}

/**
 * Files rawlight never treats as photos, whatever their extension: dot files, AppleDouble `._*`,
 * ExifTool's temp and backup files.
 */
export function isIgnoredName(name: string): boolean {
  return name.startsWith('.') || name.endsWith('_exiftool_tmp') || name.endsWith('_original');
}

export function mediaKind(p: string): FileKind | null {
  const name = path.basename(p);
  if (isIgnoredName(name)) return null;
  return kindOfExt(extOf(name));
}

export function isSidecarName(name: string): boolean {
  return !isIgnoredName(name) && extOf(name) === 'xmp';
}

/**
 * Sidecar candidates for a photo, in the order they are preferred when both exist:
 * `IMG_1.CR3.xmp` (darktable, digiKam) names one photo unambiguously; `IMG_1.xmp` (Adobe).
 */
export function sidecarCandidates(photo: string): string[] {
  const dir = path.dirname(photo);
  const base = path.basename(photo);
  const stem = base.slice(0, base.length - path.extname(base).length);
  return [path.join(dir, `${base}.xmp`), path.join(dir, `${base}.XMP`), path.join(dir, `${stem}.xmp`), path.join(dir, `${stem}.XMP`)];
}

/** Photos a sidecar may belong to: `IMG_1.CR3.xmp` → IMG_1.CR3; `IMG_1.xmp` → any IMG_1.* photo. */
export function sidecarOwnerStem(sidecar: string): { exact: string | null; stem: string } {
  const base = path.basename(sidecar).replace(/\.xmp$/i, '');
  const dir = path.dirname(sidecar);
  return mediaKind(base) ? { exact: path.join(dir, base), stem: path.join(dir, base.slice(0, base.length - path.extname(base).length)) } : { exact: null, stem: path.join(dir, base) };
}

/**
 * Compiles config `exclude` entries: a plain fragment matches anywhere in the path; `*`/`**` are
 * globs. A path is tested with a trailing `/` too, so a folder "/Exports/" names is itself excluded:
 * the walk does not read it and the watcher does not watch it (both did, then dropped each entry in
 * it). That is exact: every path under a folder starts with "folder/" and the tests are unanchored
 * substring matches, so whatever matches in "folder/" matches in each of them.
 */
export function compileExcludes(patterns: readonly string[]): (p: string) => boolean {
  const res = patterns.map((pat) => {
    if (!pat.includes('*')) return (p: string) => p.includes(pat);
    const rx = new RegExp(
      pat
        .split('**')
        .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
        .join('.*'),
    );
    return (p: string) => rx.test(p);
  });
  return (p) => res.some((f) => f(p) || f(`${p}/`));
}
