import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Whether ExifTool can be given `p` as it is. It takes its arguments a line each (`-stay_open True
 * -@ -`), and exiftool-vendored refuses an argument holding a line break ("argument contains
 * control character"): a photo whose name holds one (macOS allows it; a name pasted from a caption
 * or made by a script can carry one) could be neither read nor written.
 */
export function sayable(p: string): boolean {
  return !/[\r\n]/.test(p);
}

/**
 * Runs `use` with names ExifTool can be given for `paths`: each sayable one as it is, any other as
 * a symlink to it in a private temporary folder, named by its position and its extension (ExifTool
 * tells formats, and the kind of file to create, by the extension). ExifTool reads through the
 * link, rewrites the file it points to in place, and creates a file that does not exist yet (a new
 * sidecar, the temp file of an atomic write) at the link's target. The folder goes when `use` ends.
 */
export async function withSayablePaths<T>(paths: readonly string[], use: (sayablePaths: string[]) => Promise<T>): Promise<T> {
  if (paths.every(sayable)) return use([...paths]);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rawlight-name-'));
  try {
    const links = await Promise.all(
      paths.map(async (p, i) => {
        if (sayable(p)) return p;
        const link = path.join(dir, `${i}${path.extname(p).replace(/[\r\n]/g, '')}`);
        await symlink(path.resolve(p), link);
        return link;
      }),
    );
    return await use(links);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
