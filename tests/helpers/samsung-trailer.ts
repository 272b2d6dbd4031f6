/**
 * A Samsung motion photo as Galaxy phones wrote them before the motion photo format's XMP: the
 * JPEG, then a trailer of named blocks and an "SEFH" directory ending in "SEFT" (the layout
 * ExifTool's Samsung.pm reads; the test that uses this checks ExifTool reads it back).
 */
export function withSamsungTrailer(jpeg: Buffer, blocks: { type: number; name: string; data: Buffer }[]): Buffer {
  const parts: Buffer[] = [jpeg];
  let at = jpeg.length;
  const placed: { type: number; start: number; size: number }[] = [];
  for (const b of blocks) {
    const head = Buffer.alloc(8);
    head.writeUInt16LE(b.type, 2);
    head.writeUInt32LE(b.name.length, 4);
    const block = Buffer.concat([head, Buffer.from(b.name, 'latin1'), b.data]);
    placed.push({ type: b.type, start: at, size: block.length });
    parts.push(block);
    at += block.length;
  }
  const dir = Buffer.alloc(12 + 12 * placed.length);
  dir.write('SEFH', 0, 'latin1');
  dir.writeUInt32LE(101, 4);
  dir.writeUInt32LE(placed.length, 8);
  placed.forEach((p, i) => {
    dir.writeUInt16LE(p.type, 12 + 12 * i + 2);
    dir.writeUInt32LE(at - p.start, 12 + 12 * i + 4); // back from the directory's start
    dir.writeUInt32LE(p.size, 12 + 12 * i + 8);
  });
  const end = Buffer.alloc(8);
  end.writeUInt32LE(dir.length, 0);
  end.write('SEFT', 4, 'latin1');
  return Buffer.concat([...parts, dir, end]);
}
