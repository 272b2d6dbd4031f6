import path from 'node:path';
import sharp from 'sharp';
import { FIXTURES } from '../../helpers/fixtures.js';

/** Where a text was drawn, as a fraction of the image (to check the boxes the pass reports). */
export interface DrawnText {
  text: string;
  /** Centre of the drawn label. */
  cx: number;
  cy: number;
}

const label = (x: number, y: number, w: number, h: number, size: number, text: string, fill = 'white') =>
  `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="${fill}"/><text x="${x + 5}" y="${y + h * 0.75}" font-family="DejaVu Sans" font-weight="bold" font-size="${size}" fill="black">${text}</text>`;

/**
 * A 2048 px street scene with a small sign (12 px letters: a sign across the street), and three
 * labels turned a quarter clockwise, half and a quarter anticlockwise. Made from a fixture photo.
 */
export async function makeSignsPhoto(out: string): Promise<DrawnText[]> {
  const W = 2048;
  const H = 1356;
  const svg = `<svg width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg">
    ${label(1400, 300, 96, 19, 12, 'Miramar')}
    <g transform="translate(300,300) rotate(90)">${label(0, -40, 200, 50, 36, 'BAKERY', 'yellow')}</g>
    <g transform="translate(900,1000) rotate(180)">${label(0, -40, 260, 50, 36, 'PHARMACY')}</g>
    <g transform="translate(600,1000) rotate(-90)">${label(0, -40, 200, 50, 36, 'GARAGE')}</g>
  </svg>`;
  await sharp(path.join(FIXTURES, 'photos', 'scenes', 'horses.jpg')).resize(W, H).composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 90 }).toFile(out);
  return [
    { text: 'Miramar', cx: (1400 + 48) / W, cy: (300 + 9.5) / H },
    { text: 'BAKERY', cx: (300 + 15) / W, cy: (300 + 100) / H },
    { text: 'PHARMACY', cx: (900 - 130) / W, cy: (1000 + 15) / H },
    { text: 'GARAGE', cx: (600 - 15) / W, cy: (1000 - 100) / H },
  ];
}

/** A shop sign with accents ("Café Élysée") and a second line, on a fixture photo. */
export async function makeCafePhoto(out: string): Promise<void> {
  const base = path.join(FIXTURES, 'photos', 'scenes', 'clowns.jpg');
  const { width, height } = await sharp(base).metadata();
  const svg = `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">${label(40, 40, 330, 70, 48, 'Café Élysée')}${label(40, 380, 260, 50, 32, 'Open daily')}</svg>`;
  await sharp(base).composite([{ input: Buffer.from(svg) }]).jpeg({ quality: 90 }).toFile(out);
}
