import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { copyFixtures, FIXTURES } from '../../helpers/fixtures.js';
import { indexLibrary } from '../../helpers/metadata-import.js';

/** The copies made from fixtures, by role (absolute paths in the library). */
export interface Variants {
  eagle: string;
  eagleByteCopy: string;
  eagleReencoded: string;
  eagleHalf: string;
  eagleCropped: string;
  horses: string;
  horsesBlurred: string;
  iphoneOriginal: string;
  iphoneEdit: string;
  pug: string;
  pug1919: string;
  burst: string[];
  afterBurst: string;
}

/**
 * Copies every fixture photo and RAW file into `lib`, adds copies made from them (byte copy,
 * re-encoded, resized, cropped, blurred, a three-frame burst with its camera's EXIF times), then
 * indexes with the spine + fingerprint passes (real ExifTool, real previews).
 */
export async function buildLibrary(root: string): Promise<{ lib: string; home: string; v: Variants }> {
  const lib = path.join(root, 'lib');
  const home = path.join(root, 'home');
  copyFixtures(lib, ['photos', 'raw']);
  const F = (rel: string) => path.join(lib, 'photos', rel);
  const x = path.join(lib, 'copies');
  mkdirSync(x, { recursive: true });
  const eagle = F('scenes/eagle.jpg');
  const { width = 0, height = 0 } = await sharp(eagle).metadata();
  const v: Variants = {
    eagle,
    eagleByteCopy: path.join(x, 'eagle copy.jpg'),
    eagleReencoded: path.join(x, 'eagle-q40.jpg'),
    eagleHalf: path.join(x, 'eagle-small.jpg'),
    eagleCropped: path.join(x, 'eagle-crop.jpg'),
    horses: F('scenes/horses.jpg'),
    horsesBlurred: path.join(x, 'horses-soft.jpg'),
    iphoneOriginal: F('gps/frankfurt-airport_plane_IMG_4120.JPG'),
    iphoneEdit: F('gps/frankfurt-airport_plane_IMG_E4120.JPG'),
    pug: F('scenes/dog_pug_yellow.jpg'),
    pug1919: F('scenes/dog_pug_yellow_created_1919.jpg'),
    burst: [path.join(x, 'burst', 'DSCN7001.jpg'), path.join(x, 'burst', 'DSCN7002.jpg'), path.join(x, 'burst', 'DSCN7003.jpg')],
    afterBurst: path.join(x, 'burst', 'DSCN7004.jpg'),
  };
  copyFileSync(eagle, v.eagleByteCopy);
  await sharp(eagle).jpeg({ quality: 40 }).toFile(v.eagleReencoded);
  await sharp(eagle).resize(Math.round(width / 2)).jpeg({ quality: 85 }).toFile(v.eagleHalf);
  const m = Math.round(width * 0.03);
  await sharp(eagle).extract({ left: m, top: m, width: width - 2 * m, height: height - 2 * m }).jpeg({ quality: 90 }).toFile(v.eagleCropped);
  await sharp(v.horses).blur(2.5).jpeg({ quality: 90 }).toFile(v.horsesBlurred);
  // A burst: three frames of one scene a second apart (the camera pans a little), then another
  // scene 5 s later.
  mkdirSync(path.dirname(v.burst[0]!), { recursive: true });
  const frames = [...v.burst, v.afterBurst];
  for (const [i, out] of frames.entries()) {
    const src = F(i < 3 ? 'gps/arezzo_DSCN0010.jpg' : 'gps/arezzo_DSCN0025.jpg');
    await sharp(src).extract({ left: 4 * i, top: 2 * i, width: 600, height: 450 }).jpeg({ quality: 90 }).toFile(out);
  }
  const times = ['2024:05:01 10:00:00', '2024:05:01 10:00:01', '2024:05:01 10:00:02', '2024:05:01 10:00:07'];
  for (const [i, out] of frames.entries()) execFileSync('exiftool', ['-q', '-overwrite_original', `-DateTimeOriginal=${times[i]}`, '-Make=NIKON', '-Model=COOLPIX P6000', out]);

  await indexLibrary(home, lib, { passes: ['scan', 'metadata', 'preview', 'fingerprint'] });
  return { lib, home, v };
}

export { FIXTURES };
