import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../errors/index.js';
import { xmlWellFormedError } from './xml-check.js';

export type SidecarStyle = 'adobe' | 'darktable';

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
  style: SidecarStyle;
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
 * Where the sidecar goes. An existing IMG.CR3.xmp always belongs to this photo; an existing
 * IMG.xmp does unless another photo shares the base name (then, as Lightroom does, it belongs
 * to the RAW if this is the only RAW of them). With nothing to reuse: the configured style,
 * except that photos sharing a base name always get `name.ext.xmp`, so they never collide.
 */
export function chooseSidecar(input: SidecarChoiceInput): SidecarChoice {
  const { adobe, darktable } = sidecarCandidates(input.photoPath);
  const has = (p: string) => input.existing.some((e) => e === p);
  const dt = darktable.find(has);
  if (dt) return { path: dt, exists: true, style: 'darktable' };
  const shared = input.siblings.length > 0;
  const ad = adobe.find(has);
  if (ad && (!shared || (input.isRaw && !input.siblings.some((s) => s.isRaw)))) return { path: ad, exists: true, style: 'adobe' };
  if (shared || input.style === 'darktable') return { path: darktable[0]!, exists: false, style: 'darktable' };
  return { path: adobe[0]!, exists: false, style: 'adobe' };
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
  const text = readFileSync(p, 'utf8');
  const err = xmlWellFormedError(text);
  if (err) throw new DaemonError('SIDECAR_MALFORMED', `${p}: not well-formed XML (${err})`);
  if (!text.includes('rdf:RDF') && !text.includes('x:xmpmeta')) {
    throw new DaemonError('SIDECAR_MALFORMED', `${p}: XML but not an XMP packet (no rdf:RDF)`);
  }
}
