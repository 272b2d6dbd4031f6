import { api, qs, type FileItem } from './api.js';
import { byId, clear, h, notify } from './dom.js';
import { openDetail } from './detail-view.js';

interface Page { total: number; items: FileItem[]; mode?: string }

const PAGE = 60;
let state: { path: string; params: Record<string, string>; offset: number; label: string } | null = null;

function tile(f: FileItem): HTMLElement {
  return h(
    'button',
    { class: 'tile', 'data-id': f.id, title: f.path, onclick: () => void openDetail(f.id).catch((e: Error) => notify(e.message, 'error')) },
    f.thumbnail ? h('img', { src: f.thumbnail, loading: 'lazy', alt: f.name }) : h('div', { class: 'noimg' }, 'no preview yet'),
    h('div', { class: 'cap' }, f.name),
    // A match found in the words written in the photo says so.
    f.why?.startsWith('text "') ? h('span', { class: 'chip text-match', title: f.why }, f.why.split(';')[0]!) : null,
  );
}

async function run(append: boolean): Promise<void> {
  if (!state) return;
  const grid = byId('grid');
  try {
    const r = await api<Page>(`${state.path}${qs({ ...state.params, offset: state.offset, limit: PAGE })}`);
    if (!append) clear(grid);
    grid.append(...r.items.map(tile));
    state.offset += r.items.length;
    byId('search-info').textContent = `${r.total.toLocaleString()} ${r.total === 1 ? 'photo' : 'photos'} ${state.label}${r.mode ? ` (${r.mode} search)` : ''}`;
    byId('more').hidden = state.offset >= r.total;
  } catch (e) {
    notify((e as Error).message, 'error');
  }
}

export function searchFromForm(): void {
  const form = byId<HTMLFormElement>('search-form');
  const params: Record<string, string> = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim()) params[k] = v.trim();
  const q = params.q;
  state = { path: q ? '/api/search' : '/api/files', params, offset: 0, label: q ? `for “${q}”` : '' };
  void run(false);
}

export function showSimilar(id: number): void {
  location.hash = '#search';
  state = { path: `/api/files/${id}/similar`, params: {}, offset: 0, label: 'that look alike' };
  void run(false);
}

export function initSearchView(): void {
  const form = byId<HTMLFormElement>('search-form');
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    searchFromForm();
  });
  byId('more').addEventListener('click', () => void run(true));
}

export async function loadFacets(): Promise<void> {
  const f = await api<{ cameras: string[]; tags: string[]; places: string[] }>('/api/facets');
  const fill = (id: string, values: string[]) => clear(byId(id), ...values.map((v) => h('option', { value: v })));
  fill('dl-cameras', f.cameras);
  fill('dl-tags', f.tags);
  fill('dl-places', f.places);
  const people = await api<{ names: string[] }>('/api/people/suggest?limit=50');
  fill('dl-people', people.names);
  if (!state) searchFromForm();
}
