import { api, qs, type Person } from './api.js';
import { byId, clear, h, notify } from './dom.js';

let people: Person[] = [];
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

function card(p: Person): HTMLElement {
  const input = h('input', { name: 'name', list: 'dl-names', placeholder: p.name ? 'Rename…' : 'Who is this?', value: p.name ?? '', 'aria-label': `Name for ${title(p)}`, autocomplete: 'off' });
  input.addEventListener('input', () => void suggest(input.value));
  const form = h('form', {}, input, h('button', { class: 'primary', disabled: !editable }, 'Save'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const name = input.value.trim();
    if (!name) return;
    void post<Person>(`/api/people/${p.id}/name`, { name }).then((updated) => {
      if (!updated) return;
      // Show the name at once; the next refresh brings merges the server made.
      people = people.map((x) => (x.id === p.id ? { ...x, ...updated } : x));
      render();
      notify(`Named ${name}.`);
      void load();
    });
  });
  const others = people.filter((o) => o.id !== p.id);
  const merge = h('select', { 'aria-label': 'Merge into', disabled: !editable }, h('option', { value: '' }, 'Merge into…'), ...others.map((o) => h('option', { value: o.id }, title(o))));
  merge.addEventListener('change', () => {
    const into = Number(merge.value);
    if (into) void post(`/api/people/${p.id}/merge`, { into }).then((r) => r && load());
  });
  return h(
    'div',
    { class: `person${p.ignored ? ' ignored' : ''}`, 'data-person': p.id },
    h('h3', {}, title(p), ' ', h('span', { class: 'count' }, `${p.faceCount} faces · ${p.fileCount} photos`)),
    h(
      'div',
      { class: 'faces' },
      ...p.faces.map((faceId) =>
        h(
          'div',
          { class: 'face' },
          h('img', { src: `/api/faces/${faceId}/crop`, alt: '', loading: 'lazy' }),
          editable ? h('button', { title: 'Not this person', onclick: () => void post(`/api/faces/${faceId}/remove`, {}).then((r) => r && load()) }, '×') : null,
        ),
      ),
    ),
    form,
    h(
      'div',
      { class: 'actions' },
      merge,
      h('button', { disabled: !editable, onclick: () => void post(`/api/people/${p.id}/ignore`, { ignored: !p.ignored }).then((r) => r && load()) }, p.ignored ? 'Unignore' : 'Ignore'),
    ),
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
  clear(box, ...(people.length ? people.map(card) : [h('p', { class: 'muted' }, 'No face groups yet: they appear as photos are indexed.')]));
  byId('people-info').textContent = editable ? '' : 'Naming is not available in this daemon (people feature not running).';
}

export async function load(): Promise<void> {
  const ignored = byId<HTMLInputElement>('show-ignored').checked;
  const r = await api<{ items: Person[]; editable: boolean }>(`/api/people${qs({ limit: 200, ignored })}`);
  people = r.items;
  editable = r.editable;
  render();
}

export function initPeopleView(): void {
  byId('undo').addEventListener('click', () => void post<{ undone: string | null }>('/api/people/undo', {}).then((r) => {
    if (r) notify(r.undone ? `Undone: ${r.undone}` : 'Nothing to undo.');
    return load();
  }));
  byId('show-ignored').addEventListener('change', () => void load());
}
