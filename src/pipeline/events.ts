import { EventEmitter } from 'node:events';

/** What the pipeline tells the outside (status page over SSE, CLI progress bar). */
export interface PipelineEvents {
  /** A pass finished for a file (ok or final failure). */
  'pass-done': [{ fileId: number; path: string; pass: string; status: 'ok' | 'failed'; durationMs: number; error?: string; code?: string }];
  /** A job failed and will be retried, or is now dead. */
  'job-error': [{ fileId: number; path: string; pass: string; error: string; code: string; dead: boolean }];
  /** A file was discovered, changed, moved or is gone. */
  'file-changed': [{ fileId: number; path: string; change: 'added' | 'changed' | 'moved' | 'gone' | 'cloud' | 'sidecar' }];
  /** A pass found a file's library folder gone with it (a drive unplugged mid-read): the file is offline. */
  'root-away': [{ root: string; path: string }];
  /** The queue became idle (nothing runnable) or busy again. */
  'idle': [];
  'paused': [boolean];
}

/** A typed event bus; one per daemon, created in main.ts and handed to whoever listens. */
export class PipelineBus extends EventEmitter<PipelineEvents> {}
