import { createHash } from 'node:crypto';
import type { ReadableDb } from '../store/db.js';
import { fmtCoord, type RegionValue, type ScalarField } from './fields.js';
import { toCentre, uprightToStored, type Box } from '../geometry/box.js';

/** What the database says the file's XMP should hold (rawlight's part of it). */
export interface DesiredState {
  subject: string[];
  hierarchical: string[];
  person: string[];
  /** The hierarchical keywords in digiKam's `/` form (for digiKam:TagsList, where it exists). */
  tagsList: string[];
  regions: RegionValue[];
  /** Stored image size for mwg-rs:AppliedToDimensions (null when unknown). */
  dims: { w: number; h: number } | null;
  scalars: Partial<Record<ScalarField, string>>;
  /** Keywords, people and place names for Spotlight's kMDItemKeywords. */
  spotlightKeywords: string[];
  /** Named people, for optional Finder tags. */
  people: string[];
}

export interface DesiredOptions {
  keywordRoot: string;
  minTagScore: number;
}

/** A hierarchy level may not contain the separator. */
function level(s: string): string {
  return s.replace(/\|/g, '/').replace(/\s+/g, ' ').trim();
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs.filter((x) => x.length > 0))];
}

interface FaceRow {
  idx: number;
  box_x: number | null;
  box_y: number | null;
  box_w: number | null;
  box_h: number | null;
  stored_x: number | null;
  stored_y: number | null;
  stored_w: number | null;
  stored_h: number | null;
  name: string;
}

function storedBox(f: FaceRow, orientation: number | null): Box | null {
  if (f.stored_x != null && f.stored_y != null && f.stored_w != null && f.stored_h != null) {
    return { x: f.stored_x, y: f.stored_y, w: f.stored_w, h: f.stored_h };
  }
  // Older rows without stored_*: rotate the upright box back ourselves.
  if (f.box_x != null && f.box_y != null && f.box_w != null && f.box_h != null) {
    return uprightToStored({ x: f.box_x, y: f.box_y, w: f.box_w, h: f.box_h }, orientation);
  }
  return null;
}

export function readDesiredState(db: ReadableDb, fileId: number, opts: DesiredOptions): DesiredState {
  const root = level(opts.keywordRoot);
  const subject: string[] = [];
  const hierarchical: string[] = [];
  const person: string[] = [];
  const regions: RegionValue[] = [];
  const scalars: Partial<Record<ScalarField, string>> = {};
  const spot: string[] = [];

  {
    const rows = db.prepare('SELECT label, score FROM tags WHERE file_id = ? AND score >= ? ORDER BY label').all(fileId, opts.minTagScore) as { label: string }[];
    for (const r of rows) {
      const leaf = level(r.label);
      if (!leaf) continue;
      subject.push(leaf);
      hierarchical.push(`${root}|Objects|${leaf}`);
      spot.push(leaf);
    }
  }

  const meta = db.prepare('SELECT width, height, orientation FROM metadata WHERE file_id = ?').get(fileId) as
    | { width: number | null; height: number | null; orientation: number | null }
    | undefined;
  const preview = db.prepare('SELECT orientation FROM previews WHERE file_id = ?').get(fileId) as { orientation: number | null } | undefined;
  const orientation = preview?.orientation ?? meta?.orientation ?? 1;

  {
    const rows = db
      .prepare(
        `SELECT f.idx, f.box_x, f.box_y, f.box_w, f.box_h, f.stored_x, f.stored_y, f.stored_w, f.stored_h, p.name
         FROM faces f JOIN face_person fp ON fp.face_id = f.id JOIN persons p ON p.id = fp.person_id
         WHERE f.file_id = ? AND p.name IS NOT NULL AND trim(p.name) <> '' AND coalesce(p.ignored, 0) = 0
         ORDER BY f.idx, f.id`,
      )
      .all(fileId) as FaceRow[];
    for (const f of rows) {
      const name = f.name.replace(/\s+/g, ' ').trim();
      person.push(name);
      subject.push(name);
      hierarchical.push(`${root}|People|${level(name)}`);
      spot.push(name);
      const box = storedBox(f, orientation);
      // One region per named person: a second face with the same name would be ambiguous to edit.
      if (box && !regions.some((r) => r.name === name)) {
        const c = toCentre(box);
        regions.push({ name, x: fmtCoord(c.x), y: fmtCoord(c.y), w: fmtCoord(c.w), h: fmtCoord(c.h) });
      }
    }
  }

  {
    const p = db.prepare('SELECT city, region, country, country_code FROM places WHERE file_id = ?').get(fileId) as
      | { city: string | null; region: string | null; country: string | null; country_code: string | null }
      | undefined;
    if (p) {
      const clean = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
      const city = clean(p.city);
      const region = clean(p.region);
      const country = clean(p.country);
      const code = clean(p.country_code).toUpperCase();
      if (city) scalars.city = city;
      if (region) scalars.state = region;
      if (country) scalars.country = country;
      if (code) scalars.countryCode = code;
      if (city) scalars.location = city;
      const path = [country, city].filter(Boolean).map(level);
      if (path.length) {
        hierarchical.push(`${root}|Places|${path.join('|')}`);
        subject.push(path[path.length - 1]!);
      }
      spot.push(...[city, region, country].filter(Boolean));
    }
  }

  const dims = meta?.width && meta?.height ? { w: meta.width, h: meta.height } : null;
  return {
    subject: uniq(subject),
    hierarchical: uniq(hierarchical),
    person: uniq(person),
    tagsList: uniq(hierarchical).map((h) => h.split('|').join('/')),
    regions,
    dims,
    scalars,
    spotlightKeywords: uniq(spot),
    people: uniq(person),
  };
}

export function isDesiredEmpty(d: DesiredState): boolean {
  return d.subject.length === 0 && d.tagsList.length === 0 && d.hierarchical.length === 0 && d.person.length === 0 && d.regions.length === 0 && Object.keys(d.scalars).length === 0;
}

/** Stable hash of the desired state: part of the writeback pass's input key. */
export function desiredStateHash(d: DesiredState): string {
  const canon = {
    subject: [...d.subject].sort(),
    hierarchical: [...d.hierarchical].sort(),
    person: [...d.person].sort(),
    regions: [...d.regions].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    dims: d.dims,
    scalars: Object.fromEntries(Object.entries(d.scalars).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
  return createHash('sha256').update(JSON.stringify(canon)).digest('hex').slice(0, 32);
}
