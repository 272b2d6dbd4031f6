import { api, qs, type Person } from './api.js';
import { byId, clear, h, notify } from './dom.js';
import { openDetail } from './detail-view.js';
import { photoTile, type PhotoRef } from './tile.js';
import { idList } from './viewer-list.js';

let people: Person[] = [];
let covers: Record<string, { faceId: number; crop: string }> = {};
let editable = false;

async function post<T>(path: string, body: unknown): Promise<T | undefined> {
  try {
    return await api<T>(path, { method: 'POST', body });
  } catch (e) {
    notify((e as Error).message, 'error');
    return undefined;
  }
}

function title(p: Person): string {
  return p.name ?? `Unnamed group #${p.id}`;
}

function nameForm(p: Person, after: () => unknown): HTMLFormElement {
  const input = h('input', { name: 'name', list: 'dl-names', placeholder: p.name ? 'Rename…' : 'Who is this?', value: p.name ?? '', 'aria-label': `Name for ${title(p)}`, autocomplete: 'off' });
  input.addEventListener('input', () => void suggest(input.value));
  const form = h('form', {}, input, h('button', { class: 'primary', disabled: !editable }, 'Save'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    void post<Person>(`/api/people/${p.id}/name`, { name }).then((updated) => {
      if (!updated) return;
      people = people.map((x) => (x.id === p.id ? { ...x, ...updated } : x));
      notify(`Named ${name}.`);
      void after();
    });
  });
  return form;
}

function mergeSelect(p: Person, after: (into: number) => unknown): HTMLSelectElement {
  const others = people.filter((o) => o.id !== p.id);
  const merge = h('select', { 'aria-label': `Merge ${title(p)} into`, disabled: !editable }, h('option', { value: '' }, 'Merge into…'), ...others.map((o) => h('option', { value: o.id }, title(o))));
  merge.addEventListener('change', () => {
    const into = Number(merge.value);
    const target = people.find((o) => o.id === into);
    // Two named people made one drops a name and rewrites its photos' XMP: asked first, not on a slip of the list.
    if (into && p.name && target?.name && p.name !== target.name && !confirm(`Merge "${p.name}" into "${target.name}"? "${p.name}" will no longer be a person: those faces become "${target.name}" (Undo reverts it).`)) {
      merge.value = '';
      return;
    }
    if (into) void post(`/api/people/${p.id}/merge`, { into }).then((r) => r && after(into));
  });
  return merge;
}

function ignoreButton(p: Person, after: () => unknown): HTMLButtonElement {
  return h('button', { type: 'button', disabled: !editable, onclick: () => void post(`/api/people/${p.id}/ignore`, { ignored: !p.ignored }).then((r) => r && after()) }, p.ignored ? 'Unignore' : 'Ignore');
}

function card(p: Person): HTMLElement {
  const cover = covers[String(p.id)];
  return h(
    'div',
    { class: `person${p.ignored ? ' ignored' : ''}`, 'data-person': p.id },
    h(
      'a',
      { class: 'open', href: `#people/${p.id}`, 'aria-label': `${title(p)}: ${p.fileCount} photos` },
      cover ? h('img', { class: 'cover', src: cover.crop, alt: '', loading: 'lazy' }) : h('div', { class: 'cover' }),
      h('h3', {}, title(p), ' ', h('span', { class: 'count' }, `${p.fileCount} ${p.fileCount === 1 ? 'photo' : 'photos'} · ${p.faceCount} faces`)),
    ),
    nameForm(p, () => load()),
    h('div', { class: 'actions' }, mergeSelect(p, () => load()), ignoreButton(p, () => load())),
  );
}

let suggestTimer = 0;
async function suggest(prefix: string): Promise<void> {
  window.clearTimeout(suggestTimer);
  suggestTimer = window.setTimeout(async () => {
    const r = await api<{ names: string[] }>(`/api/people/suggest${qs({ q: prefix, limit: 10 })}`).catch(() => ({ names: [] }));
    clear(byId('dl-names'), ...r.names.map((n) => h('option', { value: n })));
  }, 150);
}

function render(): void {
  const box = byId('people');
  clear(
    box,
    ...(people.length
      ? people.map(card)
      : [h('p', { class: 'muted' }, 'No people yet. Faces are grouped while photos are indexed (after every few dozen new faces and when indexing pauses); press “Group now” to group the faces found so far.')]),
  );
  byId('people-info').textContent = editable ? `${people.length} people and groups` : 'Naming is not available in this daemon (people feature not running).';
  byId<HTMLButtonElement>('group-now').disabled = !editable;
}

export async function load(): Promise<void> {
  const ignored = byId<HTMLInputElement>('show-ignored').checked;
  const r = await api<{ items: Person[]; editable: boolean }>(`/api/people${qs({ limit: 200, ignored, sample: 1 })}`);
  people = r.items;
  editable = r.editable;
  covers = people.length ? (await api<{ covers: typeof covers }>(`/api/people/covers${qs({ ids: people.map((p) => p.id).join(',') })}`)).covers : {};
  render();
}

// ---- a person's page ----

let personState: { id: number; offset: number; ids: number[] } | null = null;

async function morePhotos(): Promise<void> {
  if (!personState) return;
  const s = personState;
  const r = await api<{ total: number; items: PhotoRef[] }>(`/api/people/${s.id}/photos${qs({ offset: s.offset, limit: 60 })}`);
  s.offset += r.items.length;
  s.ids.push(...r.items.map((i) => i.id));
  byId('person-grid').append(...r.items.map((i) => photoTile(i, (id) => void openDetail(id, idList(s.ids)).catch((e: Error) => notify(e.message, 'error')))));
  byId('person-more').hidden = s.offset >= r.total;
}

export async function loadPerson(id: number): Promise<void> {
  const p = await api<Person & { facesDetail: { faceId: number }[] }>(`/api/people/${id}`);
  if (!people.length) await load();
  byId('person-title').textContent = `${title(p)} — ${p.fileCount} ${p.fileCount === 1 ? 'photo' : 'photos'}`;
  clear(
    byId('person-actions'),
    nameForm(p, () => loadPerson(id)),
    mergeSelect(p, (into) => (location.hash = `#people/${into}`)),
    ignoreButton(p, () => loadPerson(id)),
  );
  clear(byId('person-grid'));
  personState = { id, offset: 0, ids: [] };
  await morePhotos();
}

export function initPeopleView(): void {
  byId('undo').addEventListener('click', () => void post<{ undone: string | null }>('/api/people/undo', {}).then((r) => {
    if (r) notify(r.undone ? `Undone: ${r.undone}` : 'Nothing to undo.');
    return load();
  }));
  byId('group-now').addEventListener('click', () => {
    const b = byId<HTMLButtonElement>('group-now');
    b.disabled = true;
    b.textContent = 'Grouping…';
    void post<{ report: { grouped?: number; groups?: { created: number } } }>('/api/people/group', {}).then((r) => {
      b.disabled = false;
      b.textContent = 'Group now';
      if (r) notify(`Grouped: ${r.report.groups?.created ?? 0} new groups.`);
      return load();
    });
  });
  byId('show-ignored').addEventListener('change', () => void load());
  byId('person-more').addEventListener('click', () => void morePhotos().catch((e: Error) => notify(e.message, 'error')));
}
