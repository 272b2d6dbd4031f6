import { h } from './dom.js';

/** What a photo tile needs; the timeline, search, a person's page and the map all give this. */
export interface PhotoRef {
  id: number;
  name: string;
  thumbnail: string | null;
  /** Why no preview can be made (a RAW without a usable embedded image). */
  previewError?: string | null;
}

/**
 * One photo as a focusable button carrying `data-file-id`. Without a thumbnail it says why
 * (the recorded reason) or that the preview is still to come, and requests nothing.
 */
export function photoTile(p: PhotoRef, open: (id: number) => void, opts: { caption?: boolean; size?: number } = {}): HTMLButtonElement {
  const label = p.previewError ? `${p.name}: no preview (${p.previewError})` : p.name;
  return h(
    'button',
    {
      class: 'tile',
      type: 'button',
      'data-file-id': p.id,
      'aria-label': label,
      title: label,
      style: opts.size ? `width:${opts.size}px;height:${opts.size}px` : undefined,
      onclick: () => open(p.id),
    },
    p.thumbnail ? h('img', { src: p.thumbnail, loading: 'lazy', alt: '', decoding: 'async' }) : h('div', { class: 'noimg' }, p.previewError ? `No preview: ${p.previewError}` : 'preview not made yet'),
    opts.caption === false ? null : h('div', { class: 'cap' }, p.name),
  );
}
