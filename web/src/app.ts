import { api, type Status } from './api.js';
import { basename, byId, notify } from './dom.js';
import { initDetailView } from './detail-view.js';
import { initPeopleView, load as loadPeople } from './people-view.js';
import { initSearchView, loadFacets, showSimilar } from './search-view.js';
import { addActivity, initStatusView, loadStatus, renderStatus } from './status-view.js';
import { openLiveStream, type LiveState } from './live-stream.js';
import { showSignIn, signedIn } from './signin.js';

const TABS = ['status', 'search', 'people'] as const;
type Tab = (typeof TABS)[number];

function currentTab(): Tab {
  const t = location.hash.slice(1);
  return (TABS as readonly string[]).includes(t) ? (t as Tab) : 'status';
}

function showTab(): void {
  const tab = currentTab();
  for (const t of TABS) byId(`view-${t}`).hidden = t !== tab;
  document.querySelectorAll<HTMLAnchorElement>('nav a').forEach((a) => a.classList.toggle('active', a.dataset.tab === tab));
  const load = tab === 'search' ? loadFacets() : tab === 'people' ? loadPeople() : loadStatus();
  load.catch((e: Error) => notify(e.message, 'error'));
}

/** Live updates, with a reconnect loop of its own (live-stream.ts: past the server's cap, after a restart). */
function connect(): void {
  const live = byId('live');
  const es = openLiveStream('/api/events', (s: LiveState) => {
    live.textContent = s.live ? 'live' : s.retryInMs === null ? 'reconnecting…' : `offline: retrying in ${Math.ceil(s.retryInMs / 1000)} s`;
    live.className = s.live ? 'live on' : 'live off';
  }, showSignIn);
  es.addEventListener('status', (e) => renderStatus(JSON.parse((e as MessageEvent<string>).data) as Status));
  es.addEventListener('pass-done', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { pass: string; path: string; status: string; durationMs: number; code?: string };
    addActivity(`${d.pass} ${d.status === 'ok' ? '✓' : '✗ ' + (d.code ?? '')} ${basename(d.path)} (${d.durationMs} ms)`, d.status === 'ok' ? '' : 'bad');
  });
  es.addEventListener('job-error', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { pass: string; path: string; code: string; dead: boolean };
    addActivity(`${d.pass} ${d.dead ? 'dead' : 'will retry'}: ${d.code} ${basename(d.path)}`, 'bad');
  });
  es.addEventListener('file-changed', (e) => {
    const d = JSON.parse((e as MessageEvent<string>).data) as { path: string; change: string };
    addActivity(`${d.change}: ${basename(d.path)}`, 'muted');
  });
  es.addEventListener('people-changed', () => {
    if (currentTab() === 'people') void loadPeople();
  });
}

async function main(): Promise<void> {
  // No session: one screen saying how to sign in (rawlight open), and no data request at all.
  if (!(await signedIn())) return showSignIn();
  initStatusView();
  initSearchView();
  initPeopleView();
  initDetailView(showSimilar);
  window.addEventListener('hashchange', showTab);
  showTab();
  connect();
  void api<Status>('/api/status').then(renderStatus).catch(() => undefined);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => void main());
else void main();
