import path from 'node:path';

/**
 * Folders that are another program's private store, never a user's photo folder, and are skipped
 * wherever they sit under a library (the walk does not enter them, the watcher drops their events):
 *
 * - Photo apps' libraries, macOS packages: Photos (`.photoslibrary`, and the `.photolibrary` and
 *   `.migratedphotolibrary` of iPhoto and its migration), Aperture (`.aplibrary`), Lightroom
 *   Classic's previews and smart previews (`.lrdata`: smart previews are DNGs) and its masks and
 *   other catalog data (`.lrcat-data`, Lightroom Classic 12 on), Lightroom's local
 *   library (`.lrlibrary`), Capture One catalogs (`.cocatalog`), Photo Booth. `~/Pictures`, the
 *   default library, holds "Photos Library.photoslibrary" on every Mac that opened Photos: its
 *   thumbnails and renders are thousands of JPEGs, and a sidecar written inside a package is a
 *   file the owning app never expects (Apple: do not modify the library's contents).
 * - NAS and disk housekeeping: Synology's per-photo thumbnails (`@eaDir`) and recycle bin and
 *   snapshots (`#recycle`, `#snapshot`), QNAP's recycle bin (`@Recycle`), Windows' (`$RECYCLE.BIN`,
 *   `System Volume Information`, on the exFAT disks photographers carry), `lost+found`. Deleted
 *   photos and a snapshot's second copy of the library are not photos to index.
 * - A camera's own: Sony's `M4ROOT` on a memory card (copied whole into a library with its DCIM),
 *   whose THMBNL folder holds a 160x120 JPEG for every video clip.
 *
 * By name, in any case (macOS volumes are case-insensitive). A library folder chosen inside one of
 * them is the user's explicit choice and is indexed: only what lies under a library is judged.
 */
const SUFFIXES = ['.photoslibrary', '.photolibrary', '.migratedphotolibrary', '.aplibrary', '.migratedaplibrary', '.lrdata', '.lrcat-data', '.lrlibrary', '.cocatalog'];
const NAMES = new Set(['photo booth library', '@eadir', '#recycle', '#snapshot', '@recycle', '$recycle.bin', 'system volume information', 'lost+found', 'm4root']);

/** Whether a folder of this name is another program's private store (see above). */
export function isPrivateStoreName(name: string): boolean {
  const n = name.toLowerCase();
  return NAMES.has(n) || SUFFIXES.some((s) => n.endsWith(s));
}

/** The name of the private store below `root` that `p` lies in (or is), or null. */
export function privateStoreOf(root: string, p: string): string | null {
  const rel = path.relative(root, p);
  if (!rel || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return null; // the root, or outside it
  return rel.split(path.sep).find(isPrivateStoreName) ?? null;
}

/** Whether `p` lies in such a folder below `root` (or is one): the watcher's test for a path it is told about. */
export function inPrivateStore(root: string, p: string): boolean {
  return privateStoreOf(root, p) !== null;
}
