import { api, qs, type FileItem } from './api.js';
import { byId, clear, h, notify } from './dom.js';
import { awayNote } from './tile.js';
import type { ViewerList } from './viewer-list.js';

interface Face {
  id: number;
  box: { x: number; y: number; w: number; h: number };
  personId: number | null;
  personName: string | null;
}

interface Detail extends FileItem {
  metadata: Record<string, unknown> | null;
  faces: Face[];
  tags: { label: string; score: number; source: string }[];
  place: { city?: string | null; region?: string | null; country?: string | null } | null;
  /** Text read in the photo (older daemons: absent). */
  text?: { text: string; score: number }[];
  passResults: { pass: string; status: string; error_code: string | null; error: string | null; completed_at: number }[];
  xmp: unknown;
}

let onSimilar: (id: number) => void = () => undefined;
let clipInstalled: () => boolean = () => true;
let list: ViewerList | null = null;
let current: number | null = null;
let returnFocus: HTMLElement | null = null;

/**
 * The viewer: the preview large with the faces drawn on it and named, the photo's metadata,
 * naming or correcting a face right there, ←/→ through the list that opened it, Esc to close.
 */
export function initDetailView(similar: (id: number) => void, hasClip: () => boolean): void {
  onSimilar = similar;
  clipInstalled = hasClip;
  byId('detail-close').addEventListener('click', closeDetail);
  byId('detail-prev').addEventListener('click', () => void go(-1));
  byId('detail-next').addEventListener('click', () => void go(1));
  byId('detail').addEventListener('click', (e) => {
    if (e.target === byId('detail')) closeDetail();
  });
  document.addEventListener('keydown', (e) => {
    if (byId('detail').hidden) return;
    const typing = e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement;
    if (e.key === 'Escape') closeDetail();
    else if (!typing && e.key === 'ArrowRight') void go(1);
    else if (!typing && e.key === 'ArrowLeft') void go(-1);
  });
}

export function closeDetail(): void {
  if (byId('detail').hidden) return;
  byId('detail').hidden = true;
  current = null;
  returnFocus?.focus();
}

async function go(delta: number): Promise<void> {
  if (current === null || !list) return;
  const next = await list.step(current, delta);
  if (next !== null) await showPhoto(next);
}

/** Opens a photo; `within` is the list ←/→ walk (the view that opened it). */
export async function openDetail(id: number, within: ViewerList | null = null): Promise<void> {
  list = within;
  if (byId('detail').hidden) returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  await showPhoto(id);
  byId('detail-close').focus();
}

async function showPhoto(id: number): Promise<void> {
  const d = await api<Detail>(`/api/files/${id}`);
  current = id;
  byId('detail').hidden = false;
  byId('detail').setAttribute('data-file-id', String(id));
  byId('detail-prev').hidden = !list;
  byId('detail-next').hidden = !list;
  const img = byId<HTMLImageElement>('detail-img');
  const src = d.preview ?? d.thumbnail;
  const noPreview = d.passResults.find((r) => r.pass === 'preview' && r.status === 'failed');
  byId('detail-frame').hidden = !src;
  const reason = byId('detail-noimg');
  reason.hidden = !!src;
  reason.textContent = noPreview ? `No preview can be made from this file: ${noPreview.error ?? noPreview.error_code ?? 'unknown reason'}` : 'The preview is not made yet.';
  if (src) img.src = src;
  else img.removeAttribute('src');
  img.alt = d.name;
  drawFaces(d);
  renderSide(d);
}

function faceLabel(f: Face): string {
  return f.personName ?? 'Who is this?';
}

function drawFaces(d: Detail): void {
  const frame = byId('detail-frame');
  frame.querySelectorAll('.facebox').forEach((b) => b.remove());
  for (const f of d.faces) {
    frame.append(
      h(
        'button',
        {
          class: `facebox${f.personName ? '' : ' unnamed'}`,
          type: 'button',
          'data-face-id': f.id,
          'aria-label': `Face: ${faceLabel(f)}`,
          style: `left:${f.box.x * 100}%;top:${f.box.y * 100}%;width:${f.box.w * 100}%;height:${f.box.h * 100}%`,
          onclick: () => focusFace(f.id),
        },
        f.personName ? h('span', {}, f.personName) : null,
      ),
    );
  }
}

function focusFace(faceId: number): void {
  document.querySelectorAll('.face-row').forEach((r) => r.classList.toggle('active', r.getAttribute('data-face-id') === String(faceId)));
  document.querySelector<HTMLInputElement>(`.face-row[data-face-id="${faceId}"] input`)?.focus();
}

async function post<T>(path: string, body: unknown): Promise<T | undefined> {
  try {
    return await api<T>(path, { method: 'POST', body });
  } catch (e) {
    notify((e as Error).message, 'error');
    return undefined;
  }
}

function faceRow(d: Detail, f: Face): HTMLElement {
  const input = h('input', { name: 'name', list: 'dl-names', value: f.personName ?? '', placeholder: 'Who is this?', 'aria-label': `Name of face ${f.id}`, autocomplete: 'off' });
  input.addEventListener('input', () => void suggestNames(input.value));
  const form = h('form', {}, input, h('button', { class: 'primary' }, 'Save'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name || name === f.personName) return;
    void post(`/api/faces/${f.id}/name`, { name }).then(async (r) => {
      if (!r) return;
      notify(`Named ${name}.`);
      await showPhoto(d.id);
    });
  });
  return h(
    'div',
    { class: 'face-row', 'data-face-id': f.id },
    h('img', { src: `/api/faces/${f.id}/crop`, alt: '' }),
    form,
    f.personId !== null
      ? h('button', { type: 'button', class: 'small', 'aria-label': `Not ${f.personName ?? 'this group'}`, onclick: () => void post(`/api/faces/${f.id}/remove`, {}).then((r) => r && showPhoto(d.id)) }, f.personName ? `Not ${f.personName}` : 'Not this group')
      : null,
  );
}

let suggestTimer = 0;
function suggestNames(prefix: string): void {
  window.clearTimeout(suggestTimer);
  suggestTimer = window.setTimeout(async () => {
    const r = await api<{ names: string[] }>(`/api/people/suggest${qs({ q: prefix, limit: 10 })}`).catch(() => ({ names: [] }));
    clear(byId('dl-names'), ...r.names.map((n) => h('option', { value: n })));
  }, 150);
}

function renderSide(d: Detail): void {
  const m = d.metadata ?? {};
  const row = (k: string, v: unknown) => (v === null || v === undefined || v === '' ? null : [h('dt', {}, k), h('dd', {}, String(v))]);
  const rows = [
    row('Taken', d.capturedAt?.replace('T', ' ')),
    row('Camera', d.camera),
    row('Lens', m.lens),
    row('Exposure', [m.exposure_time && `${String(m.exposure_time)}s`, m.f_number && `f/${String(m.f_number)}`, m.iso && `ISO ${String(m.iso)}`, m.focal_length && `${String(m.focal_length)} mm`].filter(Boolean).join(' · ')),
    // Stars as Lightroom, Bridge or darktable set them (-1: rejected), a colour label, a title.
    row('Rating', typeof m.rating === 'number' && m.rating !== 0 ? (m.rating < 0 ? 'rejected' : '★'.repeat(Math.min(5, Math.round(m.rating)))) : null),
    row('Label', m.label),
    row('Title', m.title),
    row('Caption', m.caption),
    row('Size', d.width && d.height ? `${d.width} × ${d.height}` : null),
    // The place its metadata names (typed by the photographer) first; the one found from its GPS otherwise.
    row('Place', [m.place_location, m.place_city, m.place_state, m.place_country].filter(Boolean).join(', ') || (d.place ? [d.place.city, d.place.region, d.place.country].filter(Boolean).join(', ') : null)),
    row('GPS', m.gps_lat != null ? `${Number(m.gps_lat).toFixed(5)}, ${Number(m.gps_lon).toFixed(5)}` : null),
    row('Keywords', Array.isArray(m.keywords) ? (m.keywords as string[]).join(', ') : null),
    row('File', d.path),
    row('Where', awayNote(d.state)),
  ].flat().filter((x): x is HTMLElement => !!x);
  const hasClip = clipInstalled();
  clear(
    byId('detail-side'),
    h('h2', { id: 'detail-title' }, d.name),
    h(
      'div',
      { class: 'actions' },
      h('button', { id: 'reveal', type: 'button', disabled: d.state === 'offline', title: d.state === 'offline' ? 'Its drive is not connected' : undefined, onclick: () => void reveal(d.id) }, 'Show in folder'),
      ' ',
      h('button', { id: 'similar', type: 'button', disabled: !hasClip, title: hasClip ? 'Photos that look like this one' : 'Needs a CLIP model: none is installed', onclick: () => (closeDetail(), onSimilar(d.id)) }, 'More like this'),
      hasClip ? null : h('p', { class: 'muted' }, 'More like this needs a CLIP model, and none is installed (see Status).'),
    ),
    h('dl', {}, ...rows),
    h('h2', {}, `Faces (${d.faces.length})`),
    ...(d.faces.length ? d.faces.map((f) => faceRow(d, f)) : [h('p', { class: 'muted' }, 'No faces found.')]),
    h('h2', {}, 'Tags'),
    h('div', { class: 'chips', id: 'detail-tags' }, ...(d.tags.length ? d.tags.map((t) => h('span', { class: 'chip', title: `${t.source} ${t.score.toFixed(2)}` }, t.label)) : [h('span', { class: 'muted' }, 'none yet')])),
    h('h2', {}, 'Text in the photo'),
    h('div', { class: 'chips', id: 'detail-text' }, ...(d.text?.length ? d.text.map((t) => h('span', { class: 'chip', title: `read with ${Math.round(t.score * 100)}% confidence` }, t.text)) : [h('span', { class: 'muted' }, 'none found')])),
    h('h2', {}, 'XMP'),
    h('div', { class: 'muted' }, d.xmp ? summarizeXmp(d.xmp) : 'not written yet'),
    h('h2', {}, 'Passes'),
    h(
      'table',
      { class: 'history' },
      ...d.passResults.map((r) => h('tr', {}, h('td', {}, r.pass), h('td', { class: r.status === 'ok' ? 'ok' : 'bad' }, r.status), h('td', {}, r.error ?? r.error_code ?? ''), h('td', { class: 'muted' }, new Date(r.completed_at).toLocaleString()))),
    ),
  );
}

function summarizeXmp(x: unknown): string {
  if (typeof x !== 'object' || x === null) return String(x);
  const o = x as Record<string, unknown>;
  if (typeof o.status === 'string') return `${o.status}${o.error ? `: ${String(o.error)}` : ''}`;
  return JSON.stringify(x).slice(0, 300);
}

async function reveal(id: number): Promise<void> {
  try {
    const r = await api<{ revealed: boolean; how: string }>(`/api/files/${id}/reveal`, { method: 'POST', body: {} });
    notify(r.revealed ? 'Shown in the file manager.' : `Cannot open a file manager here (${r.how}).`);
  } catch (e) {
    notify((e as Error).message, 'error');
  }
}
