import { api, qs, type FileItem } from './api.js';
import { byId, clear, h, notify } from './dom.js';
import { openDetail } from './detail-view.js';
import { awayNote, photoTile } from './tile.js';
import { idList } from './viewer-list.js';

interface Part {
  kind: string;
  source: string;
  label: string;
}

interface Page {
  total: number;
  items: (FileItem & { why?: string | null })[];
  mode?: string;
  label?: string | null;
  /** With no results, why. */
  empty?: string | null;
  parts?: Part[];
}

const PAGE = 60;
let state: { path: string; params: Record<string, string>; offset: number; what: string } | null = null;
let shown: number[] = [];

function open(id: number): void {
  void openDetail(id, idList(shown)).catch((e: Error) => notify(e.message, 'error'));
}

/** Chips for what the query was read as; removing one takes its words out of the query. */
function renderChips(parts: Part[]): void {
  const box = byId('search-chips');
  clear(
    box,
    ...parts.map((p) =>
      h(
        'span',
        { class: `chip kind-${p.kind}`, 'data-kind': p.kind },
        p.label,
        h('button', { type: 'button', 'aria-label': `Remove ${p.label}`, onclick: () => removePart(p) }, '×'),
      ),
    ),
  );
}

function removePart(p: Part): void {
  const input = byId<HTMLFormElement>('search-form').elements.namedItem('q') as HTMLInputElement;
  input.value = input.value.replace(p.source, ' ').replace(/\s+/g, ' ').trim();
  searchFromForm();
}

async function run(append: boolean): Promise<void> {
  if (!state) return;
  const grid = byId('grid');
  try {
    const r = await api<Page>(`${state.path}${qs({ ...state.params, offset: state.offset, limit: PAGE })}`);
    if (!append) {
      clear(grid);
      shown = [];
      renderChips(r.parts ?? []);
    }
    shown.push(...r.items.map((i) => i.id));
    grid.append(...r.items.map((f) => {
      const t = photoTile({ id: f.id, name: f.name, thumbnail: f.thumbnail, ...(f.state ? { state: f.state } : {}) }, open);
      if (f.why) t.title = [f.name, f.why, awayNote(f.state)].filter(Boolean).join(': ');
      // A match found in the words written in the photo says so.
      if (f.why?.startsWith('text "')) t.append(h('span', { class: 'chip text-match', title: f.why }, f.why.split(';')[0]!));
      return t;
    }));
    state.offset += r.items.length;
    const how = r.total === 0 && r.empty ? `: ${r.empty}` : r.label ? ` — ${r.label}` : '';
    byId('search-info').textContent = `${r.total.toLocaleString()} ${r.total === 1 ? 'photo' : 'photos'} ${state.what}${how}`;
    byId('more').hidden = state.offset >= r.total || r.items.length === 0;
  } catch (e) {
    byId('more').hidden = true;
    byId('search-info').textContent = (e as Error).message;
    notify((e as Error).message, 'error');
  }
}

export function searchFromForm(): void {
  const form = byId<HTMLFormElement>('search-form');
  const params: Record<string, string> = {};
  for (const [k, v] of new FormData(form).entries()) if (typeof v === 'string' && v.trim()) params[k] = v.trim();
  const q = params.q;
  state = { path: q ? '/api/search' : '/api/files', params, offset: 0, what: q ? `for “${q}”` : '' };
  void run(false);
}

export function showSimilar(id: number): void {
  location.hash = '#search';
  clear(byId('search-chips'));
  state = { path: `/api/files/${id}/similar`, params: {}, offset: 0, what: 'that look alike' };
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
