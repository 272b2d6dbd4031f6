import { api, type Status } from './api.js';
import { basename, byId, clear, duration, h, notify, timeAgo } from './dom.js';

const PASS_ORDER = ['scan', 'metadata', 'preview', 'faces', 'embed', 'tags', 'places', 'writeback'];

function stat(label: string, value: string | number, cls = ''): HTMLElement {
  return h('div', { class: `stat ${cls}` }, h('b', {}, value), h('span', {}, label));
}

async function act(path: string, body?: unknown): Promise<void> {
  try {
    await api(path, { method: 'POST', body: body ?? {} });
  } catch (e) {
    notify((e as Error).message, 'error');
  }
}

const ROLE_WORDS: Record<string, string> = {
  faceDetector: 'Finding faces',
  faceEmbedder: 'Recognising people',
  clip: 'Searching by description (and “More like this”)',
  classifier: 'Tagging what photos show',
};

/** Work that can run now: what waits for an unplugged drive is not "to go" until it is back. */
function runnable(s: Status): number {
  return s.queue.pending + s.queue.leased - (s.queue.away ?? 0);
}

/** The one sentence at the top: what is happening now. */
function headline(s: Status): string {
  const pending = runnable(s);
  const away = s.queue.away ?? 0;
  const files = `${s.files.toLocaleString()} ${s.files === 1 ? 'photo' : 'photos'}`;
  if (s.paused) return `Paused — ${pending.toLocaleString()} tasks wait. Press Resume to go on.`;
  if (pending === 0 && away) return `Up to date but for ${away.toLocaleString()} ${away === 1 ? 'task' : 'tasks'} on a drive that is not connected: they run when it is plugged back in.`;
  if (pending === 0) return s.files ? `Up to date: ${files} indexed.` : 'Nothing indexed yet: add a library folder below.';
  const later = Object.entries(s.eta.untimed ?? {}).map(([pass, n]) => `${n.toLocaleString()} ${pass}`).join(', ');
  const eta = s.eta.seconds ? `, about ${duration(s.eta.seconds)} left${later ? `, then ${later} (not timed yet)` : ''}` : '';
  return `Indexing ${files}: ${pending.toLocaleString()} tasks to go${eta}.`;
}

/** What needs the user: missing models (one line with the fix), denied permissions, dead jobs. */
function needs(s: Status): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const m of s.models.filter((x) => !x.present)) {
    // One line: the first way to fix it (the full list of accepted files is in `rawlight models`).
    const fix = m.hint?.split(/;\s*/)[0]?.trim();
    out.push(h('li', { 'data-need': `model-${m.role}`, title: m.hint ?? '' }, `${ROLE_WORDS[m.role] ?? m.role} needs a model, and none is installed`, fix ? ` — ${fix}` : '', h('span', { class: 'muted' }, ' (details: rawlight models)')));
  }
  for (const p of s.permissions.filter((x) => x.state === 'denied')) out.push(h('li', {}, `${label(p.name)} is not granted`, p.howTo ? ` — ${p.howTo}` : ''));
  if (s.queue.dead) out.push(h('li', {}, `${s.queue.dead} ${s.queue.dead === 1 ? 'task' : 'tasks'} failed too often; see Errors below (Retry runs them again).`));
  return out;
}

export function renderStatus(s: Status): void {
  byId('headline').textContent = headline(s);
  clear(byId('needs'), ...needs(s));
  const pending = runnable(s);
  const away = s.queue.away ?? 0;
  const pauseBtn = h('button', { class: 'primary', id: 'pause', onclick: () => void act(s.paused ? '/api/resume' : '/api/pause') }, s.paused ? 'Resume' : 'Pause');
  clear(
    byId('summary'),
    stat('files', s.files.toLocaleString()),
    stat('queued', pending.toLocaleString()),
    ...(away ? [stat('waiting for a drive or iCloud', away.toLocaleString(), 'paused')] : []),
    stat('running', s.queue.leased),
    stat('dead', s.queue.dead, s.queue.dead ? 'bad' : ''),
    stat('runs / min', s.throughput.runsPerMinute),
    stat('files / min', s.throughput.filesPerMinute),
    stat('ETA', pending ? duration(s.eta.seconds) : 'idle'),
    stat('state', s.paused ? 'paused' : pending ? 'indexing' : away ? 'waiting for a drive or iCloud' : 'idle', s.paused ? 'paused' : ''),
    h('div', { class: 'stat' }, pauseBtn),
    ...(s.xmp?.overwritten
      ? [h('div', { class: 'stat bad', title: 'Lightroom rewrote these sidecars from its catalog without rawlight\'s values. Fix: rawlight writeback --restore, then in Lightroom Metadata › Read Metadata from Files.' }, h('b', {}, s.xmp.overwritten), h('span', {}, 'XMP overwritten by Lightroom: run rawlight writeback --restore, then Metadata › Read Metadata from Files'))]
      : []),
    ...(s.xmp?.unrecovered ? [stat('interrupted XMP writes not recovered (see the log)', s.xmp.unrecovered, 'bad')] : []),
  );

  const names = Object.keys(s.passes).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  clear(
    byId('passes'),
    ...names.map((name) => {
      const p = s.passes[name]!;
      const total = p.done + p.failed + p.pending;
      const pct = (n: number) => (total ? (100 * n) / total : 0);
      return h(
        'tr',
        { 'data-pass': name },
        h('td', {}, name),
        h(
          'td',
          { class: 'bar' },
          h('div', { class: 'progress', title: `${p.done} done, ${p.failed} failed, ${p.pending} pending` }, h('i', { style: `width:${pct(p.done)}%` }), h('i', { class: 'failed', style: `width:${pct(p.failed)}%` })),
        ),
        h('td', { class: 'done' }, p.done),
        h('td', { class: p.failed ? 'bad' : '' }, p.failed),
        h('td', { class: 'pending' }, p.pending + (p.dead ? ` (+${p.dead} dead)` : '')),
        h('td', {}, p.perMinute ? `${p.perMinute}/min` : '—'),
        h('td', {}, p.pending ? duration(p.etaSeconds) : '✓'),
      );
    }),
  );

  const dead = byId('dead');
  clear(
    dead,
    ...s.deadJobs.map((j) =>
      h(
        'li',
        {},
        h('code', {}, j.code ?? 'ERROR'),
        h('span', {}, `${j.pass} · ${basename(j.path)}`),
        h('span', { class: 'msg' }, j.error ?? ''),
        h('button', { class: 'small', onclick: () => void act('/api/jobs/retry', { jobId: j.jobId }) }, 'Retry'),
      ),
    ),
  );
  byId('retry-all').hidden = s.deadJobs.length === 0;
  clear(
    byId('errors'),
    ...(s.recentErrors.length
      ? s.recentErrors.map((e) => h('li', {}, h('code', {}, e.code ?? e.status), h('span', {}, `${e.pass} · ${basename(e.path)}`), h('span', { class: 'muted' }, timeAgo(e.at)), h('span', { class: 'msg' }, e.error ?? '')))
      : [h('li', { class: 'muted' }, 'No errors.')]),
  );

  clear(
    byId('libraries'),
    ...(s.libraries.length
      ? s.libraries.map((l) => h('li', {}, h('span', { style: 'flex:1' }, l), h('button', { class: 'small', onclick: () => confirm(`Stop indexing ${l}?`) && void act('/api/libraries/remove', { path: l }) }, 'Remove')))
      : [h('li', { class: 'muted' }, 'No library folders yet: add one below.')]),
  );
  clear(
    byId('models'),
    ...(s.models.length
      ? s.models.map((m) => h('li', {}, h('span', { class: m.present ? 'ok' : 'bad' }, m.present ? '✓' : '✗'), h('span', {}, h('b', {}, ROLE_WORDS[m.role] ?? m.role), m.present ? ` — ${m.id ?? ''}` : ' — not installed (see above)')))
      : [h('li', { class: 'muted' }, 'No model information from this daemon.')]),
  );
  clear(
    byId('permissions'),
    ...s.permissions.map((p) =>
      h(
        'li',
        {},
        h('span', { class: p.state === 'granted' || p.state === 'not-needed' ? 'ok' : p.state === 'denied' ? 'bad' : 'warn' }, p.state === 'granted' || p.state === 'not-needed' ? '✓' : '!'),
        h('span', {}, h('b', {}, label(p.name)), ` ${p.state}`, p.binary ? h('span', { class: 'how' }, `binary: ${p.binary}`) : null, p.howTo && p.state !== 'granted' && p.state !== 'not-needed' ? h('span', { class: 'how' }, p.howTo) : null),
      ),
    ),
  );
  byId('watch').textContent = describeWatch(s.watch, s.libraries.length);
}

function rank(name: string): number {
  const i = PASS_ORDER.indexOf(name);
  return i < 0 ? 99 : i;
}

function label(name: string): string {
  return name === 'fullDiskAccess' ? 'Full Disk Access' : name;
}

/** "Watching 3 folders for new photos." in words (the watcher's counters are for the log). */
function describeWatch(w: unknown, libraries: number): string {
  const st = (w ?? {}) as { enabled?: boolean; roots?: readonly string[]; ready?: boolean; watching?: number };
  const n = st.roots?.length ?? st.watching ?? 0;
  if (st.enabled === false) return 'Watching is off in the settings: new photos are found by the nightly walk.';
  if (n === 0) return libraries ? 'Not watching yet: new photos are found by the nightly walk.' : 'No folders to watch yet.';
  return `${st.ready === false ? 'Starting to watch' : 'Watching'} ${n} ${n === 1 ? 'folder' : 'folders'} for new and changed photos.`;
}

export function addActivity(text: string, cls = ''): void {
  const list = byId('activity');
  list.prepend(h('li', { class: cls }, `${new Date().toLocaleTimeString()} ${text}`));
  while (list.children.length > 100) list.lastElementChild?.remove();
}

export function initStatusView(): void {
  byId('retry-all').addEventListener('click', () => void act('/api/jobs/retry', {}));
  const form = byId<HTMLFormElement>('add-library');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const input = form.elements.namedItem('path') as HTMLInputElement;
    void act('/api/libraries', { path: input.value.trim() }).then(() => (input.value = ''));
  });
}

export async function loadStatus(): Promise<void> {
  renderStatus(await api<Status>('/api/status'));
}
