import { open } from 'node:fs/promises';

/** The block type of a motion photo's video in Samsung's trailer (ExifTool: 0x0a30, "MotionPhoto_Data"). */
const MOTION_PHOTO_DATA = 0x0a30;
/** The most of the file's end read: the trailer's directory is a few hundred bytes. */
const TAIL_BYTES = 64 * 1024;

/**
 * Where the video of a Samsung motion photo starts, counted back from the end of the file, read
 * from the trailer Samsung phones append after the JPEG (Galaxy S7 to S21, before the motion photo
 * format's XMP): ExifTool reads it only without `-fast` (it is past the end of the image), which
 * would cost every photo a read to its end, so the metadata pass asks this for Samsung's photos
 * alone. The layout, as ExifTool's Samsung.pm reads it: the file ends with a directory block,
 * "SEFH", a version, a count and 12-byte entries (2 zero bytes, the type, the entry's data offset
 * back from the directory's start, its size), then the directory's length and "SEFT"; each entry's
 * data starts with 4 bytes, the length of its name, the name, then the data. Null when the file
 * has no such trailer or no video in it, or when anything in it does not add up.
 */
export async function samsungTrailerVideo(file: string): Promise<{ offsetFromEnd: number; bytes: number } | null> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const want = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(want);
    const { bytesRead } = await fh.read(tail, 0, want, size - want);
    if (bytesRead !== want || want < 8 || tail.toString('latin1', want - 4) !== 'SEFT') return null;
    const dirLen = tail.readUInt32LE(want - 8);
    const dirAt = want - 8 - dirLen; // the directory's start, in `tail`
    if (dirLen < 12 || dirAt < 0 || tail.toString('latin1', dirAt, dirAt + 4) !== 'SEFH') return null;
    const count = tail.readUInt32LE(dirAt + 8);
    if (12 + 12 * count > dirLen) return null;
    const dirPos = size - 8 - dirLen; // the directory's start, in the file
    for (let i = 0; i < count; i++) {
      const entry = dirAt + 12 + 12 * i;
      if (tail.readUInt16LE(entry + 2) !== MOTION_PHOTO_DATA) continue;
      const back = tail.readUInt32LE(entry + 4);
      const blockSize = tail.readUInt32LE(entry + 8);
      if (back > dirPos || blockSize > back || blockSize < 8) return null;
      // The block's head (its name's length) may lie before the tail read: read it where it is.
      const head = Buffer.alloc(8);
      if ((await fh.read(head, 0, 8, dirPos - back)).bytesRead !== 8) return null;
      const nameLen = head.readUInt32LE(4);
      if (8 + nameLen > blockSize) return null;
      const start = dirPos - back + 8 + nameLen;
      return { offsetFromEnd: size - start, bytes: blockSize - 8 - nameLen };
    }
    return null;
  } finally {
    await fh.close();
  }
}
