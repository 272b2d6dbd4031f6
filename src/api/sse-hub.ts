import type { ServerResponse } from 'node:http';
import type { PipelineBus } from '../pipeline/events.js';

export interface SseHubOptions {
  bus: PipelineBus;
  /** Computes the status snapshot pushed to clients (once per tick, shared by all of them). */
  status: () => unknown | Promise<unknown>;
  statusEveryMs?: number;
  heartbeatMs?: number;
  maxClients?: number;
  /** The current session key (the API token): when it changes, every stream is ended. */
  session?: () => string;
}

/** What makes two snapshots the same news (generatedAt is always new). */
function statusKey(snapshot: unknown): string {
  const { generatedAt: _g, ...rest } = snapshot as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** Rounds to two significant figures: an ETA of 3 599 s and 3 601 s is the same news. */
export function roundSignificant(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  const mag = Math.pow(10, Math.floor(Math.log10(Math.abs(n))) - 1);
  return Math.round(n / mag) * mag;
}

const ROUNDED_KEYS = new Set(['etaSeconds', 'seconds', 'perMinute', 'runsPerMinute', 'filesPerMinute']);

/**
 * The snapshot as pushed: rates and ETAs rounded, so a status that only drifts (an ETA counting
 * down, a rate wobbling) is not news and an idle page receives nothing but the heartbeat.
 */
export function roundedSnapshot(value: unknown, key = ''): unknown {
  if (typeof value === 'number') return ROUNDED_KEYS.has(key) ? roundSignificant(value) : value;
  if (Array.isArray(value)) return value.map((v) => roundedSnapshot(v));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = roundedSnapshot(v, k);
    return out;
  }
  return value;
}

const BUS_EVENTS = ['pass-done', 'job-error', 'file-changed', 'idle', 'paused'] as const;

/**
 * Server-Sent Events fan-out. Listens to the bus only while someone is connected; the status
 * snapshot is computed once per tick for all clients, so 50 open pages cost one query.
 */
export class SseHub {
  private readonly clients = new Set<ServerResponse>();
  private readonly listeners: [string, (...a: unknown[]) => void][] = [];
  private statusTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastStatus = '';
  private seq = 0;
  /** The session (token) each stream was opened with. */
  private readonly sessions = new Map<ServerResponse, string>();

  constructor(private readonly opts: SseHubOptions) {}

  get size(): number {
    return this.clients.size;
  }

  get full(): boolean {
    return this.clients.size >= (this.opts.maxClients ?? 64);
  }

  add(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write('retry: 2000\n\n');
    if (this.opts.session) this.sessions.set(res, this.opts.session());
    this.clients.add(res);
    res.on('close', () => this.remove(res));
    if (this.clients.size === 1) this.start();
    // A new page gets the current state at once, not after the next tick.
    void Promise.resolve()
      .then(() => this.opts.status())
      .then((s) => {
        if (!this.clients.has(res)) return;
        const rounded = roundedSnapshot(s);
        // The only listener: the next tick need not repeat what it just got. (With others, they
        // may hold an older state, so the next tick still compares against what they saw.)
        if (this.clients.size === 1) this.lastStatus = statusKey(rounded);
        this.writeTo(res, 'status', rounded);
      }, () => undefined);
  }

  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const frame = this.frame(event, data);
    for (const c of this.clients) c.write(frame);
  }

  /** Ends every stream (server shutdown). */
  close(): void {
    for (const c of this.clients) c.end();
    this.clients.clear();
    this.sessions.clear();
    this.stop();
  }

  private remove(res: ServerResponse): void {
    this.sessions.delete(res);
    if (this.clients.delete(res) && this.clients.size === 0) this.stop();
  }

  private start(): void {
    for (const name of BUS_EVENTS) {
      const fn = (...args: unknown[]) => {
        this.broadcast(name, args[0] ?? {});
        if (name === 'paused' || name === 'idle') this.tick(true);
      };
      this.listeners.push([name, fn]);
      (this.opts.bus as unknown as NodeJS.EventEmitter).on(name, fn);
    }
    this.statusTimer = setInterval(() => this.tick(false), this.opts.statusEveryMs ?? 1000);
    this.heartbeatTimer = setInterval(() => {
      for (const c of this.clients) c.write(': ping\n\n');
    }, this.opts.heartbeatMs ?? 15_000);
    this.statusTimer.unref();
    this.heartbeatTimer.unref();
  }

  private stop(): void {
    for (const [name, fn] of this.listeners) (this.opts.bus as unknown as NodeJS.EventEmitter).off(name, fn);
    this.listeners.length = 0;
    clearInterval(this.statusTimer);
    clearInterval(this.heartbeatTimer);
    this.statusTimer = this.heartbeatTimer = undefined;
  }

  private ticking = false;

  private tick(force: boolean): void {
    if (this.opts.session && this.sessions.size) {
      // Signed out (token rotated): end the streams opened with the old token; reconnecting needs the new session.
      const current = this.opts.session();
      for (const [c, key] of [...this.sessions]) {
        if (key === current) continue;
        this.remove(c); // before end(): nothing may be written to it afterwards
        c.end();
      }
    }
    if (this.clients.size === 0 || this.ticking) return;
    this.ticking = true;
    void Promise.resolve()
      .then(() => this.opts.status())
      .then(
        (s) => this.publish(s, force),
        () => undefined, // a busy database this tick: the next one will do
      )
      .finally(() => (this.ticking = false));
  }

  private publish(snapshot: unknown, force: boolean): void {
    const rounded = roundedSnapshot(snapshot);
    const key = statusKey(rounded);
    if (!force && key === this.lastStatus) return;
    this.lastStatus = key;
    this.broadcast('status', rounded);
  }

  private writeTo(res: ServerResponse, event: string, data: unknown): void {
    res.write(this.frame(event, data));
  }

  private frame(event: string, data: unknown): string {
    return `id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }
}
