import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { storedToUpright, swapsAxes, uprightToStored, type Box } from '../../../src/geometry/box.js';

type Grid = number[][]; // grid[row][col]

/** Independent reference: the EXIF orientations as array operations on a stored pixel grid. */
const flipX = (g: Grid): Grid => g.map((r) => [...r].reverse());
const flipY = (g: Grid): Grid => [...g].reverse();
const transpose = (g: Grid): Grid => g[0]!.map((_, c) => g.map((r) => r[c]!));
const rotCW = (g: Grid): Grid => flipX(transpose(g));
const rotCCW = (g: Grid): Grid => flipY(transpose(g));
const DISPLAY: Record<number, (g: Grid) => Grid> = {
  1: (g) => g,
  2: flipX,
  3: (g) => flipY(flipX(g)),
  4: flipY,
  5: transpose,
  6: rotCW,
  7: (g) => rotCW(flipX(g)),
  8: rotCCW,
};

/** The normalised box of the cell holding `label`. */
function boxOf(g: Grid, label: number): Box {
  const h = g.length, w = g[0]!.length;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (g[y]![x] === label) return { x: x / w, y: y / h, w: 1 / w, h: 1 / h };
  throw new Error('label not found');
}

function near(a: Box, b: Box, msg: string): void {
  for (const k of ['x', 'y', 'w', 'h'] as const) assert.ok(Math.abs(a[k] - b[k]) < 1e-9, `${msg}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
}

describe('orientation box maths', () => {
  // A 3x2 stored image (W=3, H=2) with a distinct label in every cell: no symmetry can hide an error.
  const stored: Grid = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  for (let o = 1; o <= 8; o++) {
    test(`orientation ${o}: stored <-> upright boxes match the displayed pixels`, () => {
      const upright = DISPLAY[o]!(stored);
      for (let label = 1; label <= 6; label++) {
        const sBox = boxOf(stored, label);
        const uBox = boxOf(upright, label);
        near(storedToUpright(sBox, o), uBox, `storedToUpright label ${label}`);
        near(uprightToStored(uBox, o), sBox, `uprightToStored label ${label}`);
      }
      assert.equal(swapsAxes(o), upright.length !== stored.length);
    });
  }

  test('multi-cell boxes round-trip for every orientation', () => {
    const box: Box = { x: 0.1, y: 0.2, w: 0.3, h: 0.45 };
    for (let o = 1; o <= 8; o++) near(storedToUpright(uprightToStored(box, o), o), box, `o=${o}`);
  });

  test('missing or out-of-range orientation is treated as 1', () => {
    const box: Box = { x: 0.1, y: 0.2, w: 0.3, h: 0.4 };
    near(uprightToStored(box, null), box, 'null');
    near(uprightToStored(box, 0), box, '0');
    near(uprightToStored(box, 9), box, '9');
  });
});
