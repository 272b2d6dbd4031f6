import { h } from './dom.js';

/** What a photo tile needs; the timeline, search, a person's page and the map all give this. */
export interface PhotoRef {
  id: number;
  name: string;
  thumbnail: string | null;
  /** Why no preview can be made (a RAW without a usable embedded image). */
  previewError?: string | null;
  /** present, offline or cloud (older daemons: absent). */
  state?: string;
}

/**
 * What to say of a photo the library holds while its file is away: on a drive that is not plugged
 * in, or evicted to iCloud. rawlight shows what it kept (preview, faces, tags), as Lightroom shows
 * a missing photo with a badge; null for a photo at hand.
 */
export function awayNote(state: string | undefined): string | null {
  if (state === 'offline') return 'offline: its drive is not connected';
  if (state === 'cloud') return 'in iCloud, not downloaded';
  return null;
}

/**
 * One photo as a focusable button carrying `data-file-id`. Without a thumbnail it says why
 * (the recorded reason) or that the preview is still to come, and requests nothing. A photo
 * whose file is away carries a badge saying where it is.
 */
export function photoTile(p: PhotoRef, open: (id: number) => void, opts: { caption?: boolean; size?: number } = {}): HTMLButtonElement {
  const away = awayNote(p.state);
  const label = [p.name, p.previewError ? `no preview (${p.previewError})` : null, away].filter(Boolean).join(': ');
  return h(
    'button',
    {
      class: away ? 'tile away-file' : 'tile',
      type: 'button',
      'data-file-id': p.id,
      'aria-label': label,
      title: label,
      style: opts.size ? `width:${opts.size}px;height:${opts.size}px` : undefined,
      onclick: () => open(p.id),
    },
    p.thumbnail ? h('img', { src: p.thumbnail, loading: 'lazy', alt: '', decoding: 'async' }) : h('div', { class: 'noimg' }, p.previewError ? `No preview: ${p.previewError}` : 'preview not made yet'),
    away ? h('span', { class: 'away', 'aria-hidden': 'true' }, p.state === 'cloud' ? 'iCloud' : 'offline') : null,
    opts.caption === false ? null : h('div', { class: 'cap' }, p.name),
  );
}
