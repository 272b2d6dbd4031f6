import { api } from './api.js';
import { byId, clear, notify } from './dom.js';
import { openDetail } from './detail-view.js';
import { photoTile, type PhotoRef } from './tile.js';
import { idList } from './viewer-list.js';

/**
 * Every photo with GPS on a world map drawn from Natural Earth 110m country outlines (served by
 * the daemon, no tile server), in plate carrée: one SVG whose viewBox is the visible window.
 * Nearby photos are clustered on a grid that follows the zoom; a cluster opens its photos.
 */

type Point = [number, number, number];
const SVG = 'http://www.w3.org/2000/svg';

let points: Point[] = [];
let view = { cx: 0, cy: 0, k: 1 };
let svg: SVGSVGElement | null = null;
let clusterLayer: SVGGElement | null = null;
let loadedOutline = false;

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function box(): { x: number; y: number; w: number; h: number } {
  const w = 360 / view.k;
  const hh = 180 / view.k;
  return { x: view.cx - w / 2, y: view.cy - hh / 2, w, h: hh };
}

function clamp(): void {
  view.k = Math.min(256, Math.max(1, view.k));
  const b = box();
  view.cx = Math.min(180 - b.w / 2, Math.max(-180 + b.w / 2, view.cx));
  view.cy = Math.min(90 - b.h / 2, Math.max(-90 + b.h / 2, view.cy));
}

async function showCluster(ids: number[]): Promise<void> {
  if (ids.length === 1) {
    await openDetail(ids[0]!, idList(ids));
    return;
  }
  const grid = byId('map-grid');
  const items: PhotoRef[] = [];
  // The first 60 of a cluster; zooming in splits it.
  for (const id of ids.slice(0, 60)) {
    const f = await api<{ id: number; name: string; thumbnail: string | null; state?: string }>(`/api/files/${id}`);
    items.push({ id: f.id, name: f.name, thumbnail: f.thumbnail, ...(f.state ? { state: f.state } : {}) });
  }
  clear(grid, ...items.map((i) => photoTile(i, (id) => void openDetail(id, idList(ids)).catch((e: Error) => notify(e.message, 'error')))));
  byId('map-info').textContent = `${ids.length} photos here${ids.length > 60 ? ' (the first 60 shown; zoom in to split them)' : ''}`;
}

function draw(): void {
  if (!svg || !clusterLayer) return;
  clamp();
  const b = box();
  svg.setAttribute('viewBox', `${b.x} ${b.y} ${b.w} ${b.h}`);
  const cell = b.w / 24;
  const cells = new Map<string, { ids: number[]; x: number; y: number }>();
  for (const [id, lat, lon] of points) {
    const x = lon;
    const y = -lat;
    const key = `${Math.floor(x / cell)}:${Math.floor(y / cell)}`;
    const c = cells.get(key) ?? { ids: [], x: 0, y: 0 };
    c.ids.push(id);
    c.x += x;
    c.y += y;
    cells.set(key, c);
  }
  clusterLayer.replaceChildren();
  for (const c of cells.values()) {
    const n = c.ids.length;
    const cx = c.x / n;
    const cy = c.y / n;
    // Sized in screen pixels (a finger-sized target on a phone), whatever the zoom.
    const unitsPerPx = b.w / Math.max(1, svg.clientWidth);
    const r = (11 + 5 * Math.log10(n)) * unitsPerPx;
    const g = svgEl('g', { role: 'button', tabindex: 0, 'aria-label': `${n} ${n === 1 ? 'photo' : 'photos'}`, 'data-file-id': c.ids[0]!, 'data-count': n });
    g.append(svgEl('circle', { class: 'cluster', cx, cy, r }));
    const t = svgEl('text', { x: cx, y: cy, 'font-size': r });
    t.textContent = String(n);
    g.append(t);
    const go = () => void showCluster(c.ids).catch((e: Error) => notify(e.message, 'error'));
    g.addEventListener('click', go);
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        go();
      }
    });
    clusterLayer.append(g);
  }
}

function zoom(f: number, at?: { x: number; y: number }): void {
  const b = box();
  const ax = at?.x ?? view.cx;
  const ay = at?.y ?? view.cy;
  view.k *= f;
  view.cx = ax + (view.cx - ax) / f;
  view.cy = ay + (view.cy - ay) / f;
  void b;
  draw();
}

function toMap(e: { clientX: number; clientY: number }): { x: number; y: number } {
  const r = svg!.getBoundingClientRect();
  const b = box();
  return { x: b.x + ((e.clientX - r.left) / r.width) * b.w, y: b.y + ((e.clientY - r.top) / r.height) * b.h };
}

function build(outline: { countries: { name: string; d: string }[] }): void {
  svg = svgEl('svg', { viewBox: '-180 -90 360 180', preserveAspectRatio: 'xMidYMid meet', role: 'img', 'aria-label': 'World map of photos with GPS' }) as SVGSVGElement;
  const land = svgEl('g', {});
  for (const c of outline.countries) {
    const p = svgEl('path', { class: 'land', d: c.d });
    const t = svgEl('title', {});
    t.textContent = c.name;
    p.append(t);
    land.append(p);
  }
  clusterLayer = svgEl('g', {});
  svg.append(land, clusterLayer);
  byId('map').replaceChildren(svg);
  let drag: { x: number; y: number; cx: number; cy: number; moved: boolean } | null = null;
  svg.addEventListener('pointerdown', (e) => {
    drag = { x: e.clientX, y: e.clientY, cx: view.cx, cy: view.cy, moved: false };
  });
  svg.addEventListener('pointermove', (e) => {
    if (!drag || !svg) return;
    const r = svg.getBoundingClientRect();
    const b = box();
    const dx = ((e.clientX - drag.x) / r.width) * b.w;
    const dy = ((e.clientY - drag.y) / r.height) * b.h;
    if (Math.abs(e.clientX - drag.x) + Math.abs(e.clientY - drag.y) > 4) drag.moved = true;
    if (!drag.moved) return;
    view.cx = drag.cx - dx;
    view.cy = drag.cy - dy;
    draw();
  });
  const end = () => (drag = null);
  svg.addEventListener('pointerup', end);
  svg.addEventListener('pointerleave', end);
  svg.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      zoom(e.deltaY < 0 ? 1.5 : 1 / 1.5, toMap(e));
    },
    { passive: false },
  );
}

export async function loadMap(): Promise<void> {
  if (!loadedOutline) {
    build(await api<{ countries: { name: string; d: string }[] }>('/api/map/countries'));
    loadedOutline = true;
  }
  points = (await api<{ points: Point[] }>('/api/map/points')).points;
  if (!byId('map-grid').childElementCount) byId('map-info').textContent = points.length ? `${points.length.toLocaleString()} photos with a GPS position — choose a circle to see them` : 'No photos with a GPS position yet.';
  draw();
}

export function initMapView(): void {
  byId('map-in').addEventListener('click', () => zoom(2));
  byId('map-out').addEventListener('click', () => zoom(0.5));
  byId('map-reset').addEventListener('click', () => {
    view = { cx: 0, cy: 0, k: 1 };
    draw();
  });
}
