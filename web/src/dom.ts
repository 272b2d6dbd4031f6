type Child = Node | string | number | null | undefined | false;

/** Builds an element; text always goes in as text (never HTML), so file names cannot inject markup. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | number | boolean | EventListener | undefined> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    // Through the CSSOM: the page's CSP (style-src 'self') blocks style attributes, not this.
    else if (k === 'style') el.style.cssText = String(v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el as T;
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds <= 0) return 'done';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

export function timeAgo(ms: number | null | undefined): string {
  if (!ms) return '';
  const s = Math.max(0, (Date.now() - ms) / 1000);
  if (s < 60) return `${Math.round(s)}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return new Date(ms).toLocaleDateString();
}

export function basename(p: string | null | undefined): string {
  if (!p) return '';
  const i = p.lastIndexOf('/');
  return i >= 0 ? p.slice(i + 1) : p;
}

/**
 * Names that tell these files apart: each file's name, and as many of its folders as it takes
 * when two share a name (exact copies usually do: "2019/Iceland/DSC_1.NEF" beside
 * "Backup/Iceland/DSC_1.NEF"), the same depth for all so they read side by side.
 */
export function distinctNames(paths: readonly string[]): string[] {
  const parts = paths.map((p) => p.split('/').filter(Boolean));
  const deepest = Math.max(1, ...parts.map((x) => x.length));
  let k = 1;
  while (k < deepest && new Set(parts.map((x) => x.slice(-k).join('/'))).size < parts.length) k++;
  return parts.map((x) => (k > 1 && x.length > k ? '…/' : '') + x.slice(-k).join('/'));
}

export function notify(message: string, kind: 'info' | 'error' = 'info'): void {
  const n = byId('notice');
  n.textContent = message;
  n.className = `notice ${kind}`;
  n.hidden = false;
  window.clearTimeout((n as unknown as { t?: number }).t);
  (n as unknown as { t?: number }).t = window.setTimeout(() => (n.hidden = true), kind === 'error' ? 8000 : 3000);
}
