import { api, qs } from './api.js';
import { byId, h, notify } from './dom.js';
import { photoTile, type PhotoRef } from './tile.js';
import { openDetail } from './detail-view.js';
import type { ViewerList } from './viewer-list.js';

/**
 * Photos by capture date: month and day headers, square thumbnails in rows, virtual scrolling.
 * The layout comes from day counts alone (/api/timeline/days), so its height is known at once
 * for any number of photos; only the rows near the screen exist in the DOM, and their photos
 * are fetched by position in blocks (/api/timeline?offset=…). Scrolling 100K photos keeps a few
 * hundred elements alive.
 */

interface Day {
  day: string | null;
  count: number;
}

interface Row {
  top: number;
  height: number;
  kind: 'month' | 'day' | 'tiles';
  label?: string;
  /** Timeline positions of the row's photos: [start, start + count). */
  start?: number;
  count?: number;
}

const BLOCK = 120;
const GAP = 4;
const MONTH_H = 48;
const DAY_H = 30;
const TARGET_TILE = 150;

let days: Day[] = [];
let total = 0;
let rows: Row[] = [];
let tile = 150;
let cols = 1;
let width = 0;
const blocks = new Map<number, PhotoRef[] | Promise<void>>();
const live = new Map<number, HTMLElement>();
let loaded = false;
let frame = 0;

const monthName = (d: string) => new Date(`${d.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayName = (d: string) => new Date(`${d}T00:00:00Z`).toLocaleDateString(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });

function layout(): void {
  const box = byId('timeline');
  width = box.clientWidth;
  // About 150 px tiles; three across on a phone.
  cols = Math.max(3, Math.round((width + GAP) / (TARGET_TILE + GAP)));
  tile = Math.floor((width - GAP * (cols - 1)) / cols);
  rows = [];
  let y = 0;
  let pos = 0;
  let month: string | null | undefined;
  for (const d of days) {
    const m = d.day ? d.day.slice(0, 7) : null;
    if (m !== month) {
      rows.push({ top: y, height: MONTH_H, kind: 'month', label: m ? monthName(m) : 'No date' });
      y += MONTH_H;
      month = m;
    }
    if (d.day) {
      rows.push({ top: y, height: DAY_H, kind: 'day', label: dayName(d.day) });
      y += DAY_H;
    }
    for (let i = 0; i < d.count; i += cols) {
      const count = Math.min(cols, d.count - i);
      rows.push({ top: y, height: tile + GAP, kind: 'tiles', start: pos + i, count });
      y += tile + GAP;
    }
    pos += d.count;
  }
  box.style.height = `${y}px`;
  for (const el of live.values()) el.remove();
  live.clear();
}

/** First row whose bottom is below `y` (binary search over the tops). */
function firstRowAt(y: number): number {
  let lo = 0;
  let hi = rows.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const r = rows[mid]!;
    if (r.top + r.height <= y) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function itemAt(pos: number): PhotoRef | undefined {
  const b = blocks.get(Math.floor(pos / BLOCK));
  return Array.isArray(b) ? b[pos % BLOCK] : undefined;
}

/** Start position of each day (prefix sums of the counts), for seeking by day. */
let dayStarts: number[] = [];

function dayOf(pos: number): { day: string; skip: number } {
  let lo = 0;
  let hi = dayStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (dayStarts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return { day: days[lo]?.day ?? 'none', skip: pos - (dayStarts[lo] ?? 0) };
}

function ensureBlock(b: number): void {
  if (blocks.has(b) || b * BLOCK >= total) return;
  const at = dayOf(b * BLOCK);
  const p = api<{ items: PhotoRef[] }>(`/api/timeline${qs({ day: at.day, skip: at.skip, limit: BLOCK })}`)
    .then((r) => {
      blocks.set(b, r.items);
      // Rows drawn with placeholders for this block are drawn again.
      for (const [i, el] of live) {
        const row = rows[i]!;
        if (row.kind === 'tiles' && Math.floor(row.start! / BLOCK) <= b && Math.floor((row.start! + row.count! - 1) / BLOCK) >= b) {
          el.remove();
          live.delete(i);
        }
      }
      schedule();
    })
    .catch((e: Error) => {
      blocks.delete(b);
      notify(e.message, 'error');
    });
  blocks.set(b, p);
}

const timelineList: ViewerList = {
  async step(id, delta) {
    for (const [b, items] of blocks) {
      if (!Array.isArray(items)) continue;
      const i = items.findIndex((x) => x.id === id);
      if (i < 0) continue;
      const pos = b * BLOCK + i + delta;
      if (pos < 0 || pos >= total) return null;
      ensureBlock(Math.floor(pos / BLOCK));
      const pending = blocks.get(Math.floor(pos / BLOCK));
      if (pending instanceof Promise) await pending;
      return itemAt(pos)?.id ?? null;
    }
    return null;
  },
};

function renderRow(i: number): HTMLElement {
  const r = rows[i]!;
  if (r.kind !== 'tiles') return h('div', { class: r.kind === 'month' ? 'tl-month' : 'tl-day', style: `top:${r.top}px;height:${r.height}px`, role: 'heading', 'aria-level': r.kind === 'month' ? 2 : 3 }, r.label ?? '');
  const el = h('div', { class: 'tl-row', style: `top:${r.top}px;height:${tile}px` });
  for (let p = r.start!; p < r.start! + r.count!; p++) {
    const it = itemAt(p);
    if (it) el.append(photoTile(it, (id) => void openDetail(id, timelineList).catch((e: Error) => notify(e.message, 'error')), { caption: false, size: tile }));
    else {
      ensureBlock(Math.floor(p / BLOCK));
      el.append(h('div', { class: 'tile ph', style: `width:${tile}px;height:${tile}px`, 'aria-hidden': 'true' }));
    }
  }
  return el;
}

function render(): void {
  frame = 0;
  const box = byId('timeline');
  if (box.offsetParent === null || days.length === 0) return;
  if (box.clientWidth !== width) layout();
  const origin = box.getBoundingClientRect().top;
  const view = window.innerHeight;
  const from = firstRowAt(Math.max(0, -origin - view));
  const to = -origin + 2 * view;
  const keep = new Set<number>();
  for (let i = from; i < rows.length && rows[i]!.top < to; i++) {
    keep.add(i);
    if (!live.has(i)) {
      const el = renderRow(i);
      live.set(i, el);
      box.append(el);
    }
  }
  for (const [i, el] of live) {
    if (!keep.has(i)) {
      el.remove();
      live.delete(i);
    }
  }
}

function schedule(): void {
  if (!frame) frame = requestAnimationFrame(render);
}

export async function loadTimeline(force = false): Promise<void> {
  if (loaded && !force) {
    schedule();
    return;
  }
  const r = await api<{ total: number; days: Day[] }>('/api/timeline/days');
  const changed = r.total !== total || JSON.stringify(r.days) !== JSON.stringify(days);
  days = r.days;
  total = r.total;
  dayStarts = [];
  let acc = 0;
  for (const d of days) {
    dayStarts.push(acc);
    acc += d.count;
  }
  loaded = true;
  byId('timeline-info').textContent = total ? `${total.toLocaleString()} photos, newest first` : 'No photos yet: add a library folder on the Status tab, and photos appear here as they are indexed.';
  if (changed) {
    blocks.clear();
    width = -1;
  }
  schedule();
}

export function initTimelineView(): void {
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
}
