import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { decodeXml, xmlWellFormedError } from './xml-check.js';

/** `ext` is `darktable` by its README name: the photo's extension is kept (IMG_1.CR3.xmp). */
export type SidecarStyle = 'adobe' | 'darktable' | 'ext';

export interface SidecarChoiceInput {
  photoPath: string;
  /** Existing sidecar candidates for this photo (any of IMG.xmp / IMG.CR3.xmp, any case). */
  existing: readonly string[];
  /** Other photos in the same folder with the same base name (IMG_1.JPG beside IMG_1.CR3). */
  siblings: readonly { path: string; isRaw: boolean }[];
  isRaw: boolean;
  style: SidecarStyle;
}

export interface SidecarChoice {
  path: string;
  exists: boolean;
  style: 'adobe' | 'darktable';
}

/**
 * RAW files that never own their name's `IMG_1.xmp`: Olympus' `.ORI`, the unprocessed frame an
 * OM/Olympus camera keeps beside a High Res Shot or in-camera-corrected ORF of the same name.
 * Lightroom and Capture One do not open it, so that sidecar is the ORF's; the ORI is named as a
 * JPEG beside a RAW is (`P1010001.ORI.xmp`).
 */
const SECONDARY_RAW = /\.ori$/i;

/** Whether a photo may own its name's `IMG_1.xmp`: a RAW, other than a secondary one. */
export function ownsSidecarName(p: { path: string; isRaw: boolean }): boolean {
  return p.isRaw && !SECONDARY_RAW.test(p.path);
}

function splitName(p: string): { dir: string; base: string; name: string } {
  const dir = path.dirname(p);
  const name = path.basename(p);
  const ext = path.extname(name);
  return { dir, base: ext ? name.slice(0, -ext.length) : name, name };
}

/** The names a sidecar for this photo may have (Adobe/Capture One, then darktable/digiKam). */
export function sidecarCandidates(photoPath: string): { adobe: string[]; darktable: string[] } {
  const { dir, base, name } = splitName(photoPath);
  return {
    adobe: [path.join(dir, `${base}.xmp`), path.join(dir, `${base}.XMP`)],
    darktable: [path.join(dir, `${name}.xmp`), path.join(dir, `${name}.XMP`)],
  };
}

/**
 * Where the sidecar goes (the table in README):
 * - a photo that is not RAW (JPEG, HEIC, TIFF, PNG...) always gets `IMG_1.JPG.xmp`, so it never
 *   shares a sidecar with the RAW of the same name, whichever arrived first;
 * - a RAW (DNG included) gets `IMG_1.xmp` (Lightroom, Capture One) or, in `ext` style, `IMG_1.CR3.xmp`
 *   (darktable, digiKam); when only the other name exists it is that tool's sidecar and is used;
 *   when both exist only the style's is written; two RAWs of one base name use `IMG_1.CR3.xmp`;
 * - an Olympus `.ORI` is named as a photo that is not RAW (ownsSidecarName).
 */
export function chooseSidecar(input: SidecarChoiceInput): SidecarChoice {
  const { adobe, darktable } = sidecarCandidates(input.photoPath);
  const has = (p: string) => input.existing.some((e) => e === p);
  const dt = darktable.find(has);
  const ad = adobe.find(has);
  const dtChoice: SidecarChoice = dt ? { path: dt, exists: true, style: 'darktable' } : { path: darktable[0]!, exists: false, style: 'darktable' };
  if (!ownsSidecarName({ path: input.photoPath, isRaw: input.isRaw }) || input.siblings.some(ownsSidecarName)) return dtChoice;
  const adChoice: SidecarChoice = ad ? { path: ad, exists: true, style: 'adobe' } : { path: adobe[0]!, exists: false, style: 'adobe' };
  const wantAdobe = input.style === 'adobe';
  if (dt && !ad) return dtChoice;
  if (ad && !dt) return adChoice;
  return wantAdobe ? adChoice : dtChoice;
}

/** The candidates that exist on disk (a directory named .xmp counts: it is reported malformed). */
export function existingSidecars(photoPath: string): string[] {
  const { adobe, darktable } = sidecarCandidates(photoPath);
  const out: string[] = [];
  for (const p of [...darktable, ...adobe]) {
    if (!existsSync(p)) continue;
    // On a case-insensitive volume both spellings "exist": keep the first only.
    if (out.some((o) => o.toLowerCase() === p.toLowerCase())) continue;
    out.push(p);
  }
  return out;
}

/**
 * Throws SIDECAR_MALFORMED unless `p` is a regular, non-empty, well-formed XMP file. Called on an
 * existing sidecar before anything is written into it; a malformed one is left untouched.
 */
export function assertSidecarWritable(p: string): void {
  let st;
  try {
    st = lstatSync(p);
    if (st.isSymbolicLink()) st = statSync(p);
  } catch (e) {
    throw new DaemonError('SIDECAR_MALFORMED', `${p}: cannot be read (${(e as Error).message})`, { cause: e });
  }
  if (st.isDirectory()) throw new DaemonError('SIDECAR_MALFORMED', `${p} is a directory, not an XMP file`);
  if (!st.isFile()) throw new DaemonError('SIDECAR_MALFORMED', `${p} is not a regular file`);
  if (st.size === 0) throw new DaemonError('SIDECAR_MALFORMED', `${p} is empty (zero bytes)`);
  const text = decodeXml(readFileSync(p));
  if (text === null) throw new DaemonError('SIDECAR_MALFORMED', `${p}: not text in the encoding its first bytes declare (UTF-16 or UTF-32)`);
  const err = xmlWellFormedError(text);
  if (err) throw new DaemonError('SIDECAR_MALFORMED', `${p}: not well-formed XML (${err})`);
  if (!text.includes('rdf:RDF') && !text.includes('x:xmpmeta')) {
    throw new DaemonError('SIDECAR_MALFORMED', `${p}: XML but not an XMP packet (no rdf:RDF)`);
  }
}

/**
 * Every existing sidecar whose user values belong to this photo, in the order they win (the
 * style's file first). A RAW alone of its name reads both `IMG_1.xmp` and `IMG_1.CR3.xmp`; two
 * RAWs of one name read only their own `IMG_1.CR3.xmp`. Any other photo reads `IMG_1.JPG.xmp`,
 * and a user's `IMG_1.xmp` (another tool's) only while no RAW of that name exists: then it is the
 * RAW's alone.
 */
export function userSidecars(input: SidecarChoiceInput): string[] {
  const { adobe, darktable } = sidecarCandidates(input.photoPath);
  const has = (p: string) => input.existing.some((e) => e === p);
  const dt = darktable.filter(has).slice(0, 1);
  const ad = adobe.filter(has).slice(0, 1);
  const rawSibling = input.siblings.some(ownsSidecarName);
  if (!ownsSidecarName({ path: input.photoPath, isRaw: input.isRaw })) return rawSibling ? dt : [...dt, ...ad];
  if (rawSibling) return dt;
  return input.style === 'adobe' ? [...ad, ...dt] : [...dt, ...ad];
}
