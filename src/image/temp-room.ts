import { statfs } from 'node:fs/promises';
import { DaemonError } from '../errors/index.js';

/**
 * Below this much free space in the temporary folder (beyond what a write there needs), work that
 * writes there is DISK_FULL, retried once there is room: a decoder's output (a JPEG of the full
 * image; djxl's PNG fallback can be hundreds of MB), a HEIF sequence's copy, a Photoshop
 * document's composite. A full disk is not the photo's fault, and the disk is not filled to find out.
 */
export const MIN_TEMP_ROOM = 64 * 2 ** 20;

/** Bytes free to this process on the folder's file system; Infinity when that cannot be asked. */
export async function roomIn(dir: string): Promise<number> {
  try {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return Infinity;
  }
}

/**
 * Throws DISK_FULL unless `dir` has `need` bytes free beyond MIN_TEMP_ROOM. `room`: the free-space
 * probe (tests give their own); `cause`: the failure this check explains, if any.
 */
export async function requireRoom(dir: string, o: { need?: number; what?: string; room?: (dir: string) => Promise<number>; cause?: unknown } = {}): Promise<void> {
  const free = await (o.room ?? roomIn)(dir);
  const need = o.need ?? 0;
  if (free >= need + MIN_TEMP_ROOM) return;
  const mb = (n: number) => Math.ceil(n / 2 ** 20);
  throw new DaemonError('DISK_FULL', `the temporary folder ${dir} has ${Math.floor(free / 2 ** 20)} MB free${need ? `; ${o.what ?? 'this'} needs ${mb(need)} MB` : ''}`, { cause: o.cause });
}
