import { api } from './api.js';
import { byId, clear, distinctNames, h, notify } from './dom.js';
import { openDetail } from './detail-view.js';

interface DupFile { id: number; path: string; name: string; thumbnail: string | null; width: number | null; height: number | null; keep: boolean }
interface DupGroup { kind: 'exact' | 'near' | 'burst'; keep: string; files: DupFile[] }

const KIND: Record<DupGroup['kind'], string> = { exact: 'Exact copies', near: 'Same picture', burst: 'Burst' };

/** Only when the user asks: the others get a "duplicate" keyword through the normal writeback. */
async function markOthers(g: DupGroup): Promise<void> {
  const others = g.files.filter((f) => !f.keep).map((f) => f.id);
  try {
    const r = await api<{ marked: number }>('/api/duplicates/mark', { method: 'POST', body: { fileIds: others } });
    notify(`Marked ${r.marked} ${r.marked === 1 ? 'file' : 'files'} "duplicate" (written to XMP by the writeback; nothing deleted).`);
  } catch (e) {
    notify((e as Error).message, 'error');
  }
}

function group(g: DupGroup): HTMLElement {
  // Copies mostly share a name: their folders tell which is which.
  const names = distinctNames(g.files.map((f) => f.path));
  const keep = names[g.files.findIndex((f) => f.keep)] ?? g.keep;
  return h(
    'div',
    { class: `card dup-group dup-${g.kind}`, 'data-kind': g.kind },
    h('h3', {}, `${KIND[g.kind]} · ${g.files.length} files · keep ${keep} `, h('button', { class: 'small', onclick: () => void markOthers(g) }, 'Mark the others')),
    h(
      'div',
      { class: 'dup-row' },
      ...g.files.map((f, i) =>
        h(
          'button',
          { class: `tile${f.keep ? ' keep' : ''}`, 'data-id': f.id, title: f.path, onclick: () => void openDetail(f.id).catch((e: Error) => notify(e.message, 'error')) },
          f.thumbnail ? h('img', { src: f.thumbnail, loading: 'lazy', alt: f.name }) : h('div', { class: 'noimg' }, 'no preview'),
          h('div', { class: 'cap' }, `${f.keep ? '★ keep · ' : ''}${names[i]}${f.width && f.height ? ` · ${f.width}×${f.height}` : ''}`),
        ),
      ),
    ),
  );
}

/** Loads the groups (computed on request; rawlight never deletes or moves a file). */
export async function load(): Promise<void> {
  const info = byId('dup-info');
  info.textContent = 'Looking for duplicates…';
  const r = await api<{ groups: DupGroup[]; confirmedBy: string }>('/api/duplicates');
  info.textContent = r.groups.length
    ? `${r.groups.length} ${r.groups.length === 1 ? 'group' : 'groups'} (near duplicates confirmed by ${r.confirmedBy}). Nothing is deleted or moved: review side by side, ★ is the suggestion.`
    : 'No duplicates found.';
  clear(byId('duplicates'), ...r.groups.map(group));
}

/** Adds the Duplicates tab and its section; app.ts shows it for #duplicates. */
export function initDuplicatesView(): void {
  byId('view-status').parentElement!.append(
    h('section', { id: 'view-duplicates', class: 'view', hidden: true }, h('p', { id: 'dup-info', class: 'muted' }), h('div', { id: 'duplicates', class: 'dup-groups' })),
  );
  document.querySelector('nav')!.append(h('a', { href: '#duplicates', 'data-tab': 'duplicates' }, 'Duplicates'));
}
