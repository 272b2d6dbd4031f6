/**
 * The event stream with its own reconnect loop. EventSource retries by itself only while the
 * connection drops; after a non-200 answer (429 past the server's cap, 401 after a token
 * rotation) it gives up for good. Then this waits (2 s, doubling to 60 s, with jitter) and opens
 * a new one, or reports "signed out" when the session is gone. Listeners added once stay on
 * every EventSource it opens.
 */
export type LiveState = { live: true } | { live: false; retryInMs: number | null };

export interface LiveStream {
  addEventListener(name: string, fn: (e: Event) => void): void;
  close(): void;
}

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

export function openLiveStream(url: string, onState: (s: LiveState) => void, onSignedOut: () => void): LiveStream {
  let delay = FIRST_DELAY_MS;
  let es: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const listeners: [string, (e: Event) => void][] = [];

  const schedule = () => {
    if (closed) return;
    const wait = Math.round(delay * (0.8 + Math.random() * 0.4));
    delay = Math.min(delay * 2, MAX_DELAY_MS);
    onState({ live: false, retryInMs: wait });
    timer = setTimeout(connect, wait);
  };

  function connect(): void {
    if (closed) return;
    const s = new EventSource(url);
    es = s;
    for (const [name, fn] of listeners) s.addEventListener(name, fn);
    s.onopen = () => {
      delay = FIRST_DELAY_MS;
      onState({ live: true });
    };
    s.onerror = () => {
      if (s.readyState !== EventSource.CLOSED) {
        onState({ live: false, retryInMs: null }); // the browser is retrying by itself
        return;
      }
      s.close();
      fetch('/api/session', { credentials: 'same-origin' }).then((r) => (r.status === 401 ? onSignedOut() : schedule()), schedule);
    };
  }

  connect();
  return {
    addEventListener(name, fn) {
      listeners.push([name, fn]);
      es?.addEventListener(name, fn);
    },
    close() {
      closed = true;
      clearTimeout(timer);
      es?.close();
    },
  };
}
