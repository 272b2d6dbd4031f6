import { h } from './dom.js';

/**
 * Whether this browser holds a session. /api/session answers 200 only to a signed-in browser
 * (or a request with the token header); the session cookie itself is HttpOnly, so asking is the
 * only way the page can tell.
 */
export async function signedIn(): Promise<boolean> {
  try {
    const r = await fetch('/api/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    return r.ok;
  } catch {
    return false;
  }
}

/** The one screen a browser without a session sees: how to sign in, and no data at all. */
export function showSignIn(): void {
  document.title = 'rawlight: sign in';
  document.body.replaceChildren(
    h(
      'main',
      { id: 'signin', class: 'signin' },
      h('h1', {}, 'rawlight'),
      h('p', {}, 'This page shows your photo library, so only you can open it. In a terminal on this computer, run:'),
      h('pre', {}, h('code', {}, 'rawlight open')),
      h('p', { class: 'muted' }, 'It opens this page signed in. On a machine without a desktop, ', h('code', {}, 'rawlight open --print'), ' prints the sign-in link instead.'),
    ),
  );
}
