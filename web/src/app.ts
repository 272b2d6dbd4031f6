import { api, type Status } from './api.js';
import { basename, byId, notify } from './dom.js';
import { initDetailView } from './detail-view.js';
import { initMapView, loadMap } from './map-view.js';
import { initPeopleView, load as loadPeople, loadPerson } from './people-view.js';
import { initDuplicatesView, load as loadDuplicates } from './duplicates-view.js';
import { initSearchView, loadFacets, showSimilar } from './search-view.js';
import { addActivity, initStatusView, loadStatus, renderStatus } from './status-view.js';
import { initTimelineView, loadTimeline } from './timeline-view.js';
import { openLiveStream, type LiveState } from './live-stream.js';
import { showSignIn, signedIn } from './signin.js';

/**
 * The page: a photo browser over the daemon's API. Views are sections switched by the URL hash
 * (#photos, #search, #people, #people/ID, #map, #duplicates, #status); each view module owns its section.
 * A view added later registers here with its tab and loader.
 */
const VIEWS: Record<string, { section: string; tab: string; load: (arg: string | undefined) => Promise<void> }> = {
  photos: { section: 'view-photos', tab: 'photos', load: () => loadTimeline() },
  search: { section: 'view-search', tab: 'search', load: () => loadFacets() },
  people: { section: 'view-people', tab: 'people', load: (id) => (id ? loadPerson(Number(id)) : loadPeople()) },
  map: { section: 'view-map', tab: 'map', load: () => loadMap() },
  duplicates: { section: 'view-duplicates', tab: 'duplicates', load: () => loadDuplicates() },
  status: { section: 'view-status', tab: 'status', load: () => loadStatus() },
};

let lastStatus: Status | null = null;
let refreshTimer = 0;

/** New photos while the timeline is open: re-read the day counts at most every 3 s. */
function refreshTimelineSoon(): void {
  if (refreshTimer) return;
  refreshTimer = window.setTimeout(() => {
    refreshTimer = 0;
    void loadTimeline(true).catch(() => undefined);
  }, 3000);
}

function route(): { name: string; arg: string | undefined } {
  const [name, arg] = location.hash.slice(1).split('/');
  return name && VIEWS[name] ? { name, arg } : { name: 'photos', arg: undefined };
}

function showView(): void {
  const { name, arg } = route();
  const section = name === 'people' && arg ? 'view-person' : VIEWS[name]!.section;
  document.querySelectorAll<HTMLElement>('main > .view').forEach((v) => (v.hidden = v.id !== section));
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => {
    const on = a.dataset.tab === VIEWS[name]!.tab;
    a.classList.toggle('active', on);
    if (on) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  VIEWS[name]!.load(arg).catch((e: Error) => notify(e.message, 'error'));
}

/** Live updates, with a reconnect loop of its own (live-stream.ts: past the server's cap, after a restart). */
function connect(): void {
  const live = byId('live');
  const es = openLiveStream('/api/events', (s: LiveState) => {
    live.textContent = s.live ? 'live' : s.retryInMs === null ? 'reconnecting…' : `offline: retrying in ${Math.ceil(s.retryInMs / 1000)} s`;
    live.className = s.live ? 'live on' : 'live off';
  }, showSignIn);
  es.addEventListener('status', (e) => {
    lastStatus = JSON.parse((e as MessageEvent<string>).data) as Status;
    renderStatus(lastStatus);
  });
  es.addEventListener('pass-done', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { pass: string; path: string; status: string; durationMs: number; code?: string };
    if ((d.pass === 'metadata' || d.pass === 'preview') && route().name === 'photos') refreshTimelineSoon();
    addActivity(`${d.pass} ${d.status === 'ok' ? '✓' : '✗ ' + (d.code ?? '')} ${basename(d.path)} (${d.durationMs} ms)`, d.status === 'ok' ? '' : 'bad');
  });
  es.addEventListener('job-error', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { pass: string; path: string; code: string; dead: boolean };
    addActivity(`${d.pass} ${d.dead ? 'gave up' : 'will retry'}: ${d.code} ${basename(d.path)}`, 'bad');
  });
  es.addEventListener('file-changed', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { path: string; change: string };
    addActivity(`${d.change}: ${basename(d.path)}`, 'muted');
  });
  es.addEventListener('people-changed', () => {
    if (route().name === 'people' && !route().arg) void loadPeople();
  });
}

/** Whether a CLIP model is installed (from the last status): "More like this" says so when not. */
function clipInstalled(): boolean {
  return lastStatus ? lastStatus.models.some((m) => m.role === 'clip' && m.present) : true;
}

async function main(): Promise<void> {
  // No session: one screen saying how to sign in (rawlight open), and no data request at all.
  if (!(await signedIn())) return showSignIn();
  initStatusView();
  initSearchView();
  initPeopleView();
  initTimelineView();
  initMapView();
  initDuplicatesView();
  initDetailView(showSimilar, clipInstalled);
  window.addEventListener('hashchange', showView);
  showView();
  connect();
  void api<Status>('/api/status')
    .then((s) => {
      lastStatus = s;
      renderStatus(s);
    })
    .catch(() => undefined);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void main());
else void main();
