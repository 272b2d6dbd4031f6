import { ErrorCodes, type ErrorCode } from './codes.js';

/** A failure with a code from the catalog: callers branch on `code`, never on message text. */
export class DaemonError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, opts: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(detail ? `${ErrorCodes[code].message}: ${detail}` : ErrorCodes[code].message, { cause: opts.cause });
    this.name = 'DaemonError';
    this.code = code;
    this.retryable = ErrorCodes[code].retryable;
    this.details = opts.details;
  }
}

export function isDaemonError(e: unknown): e is DaemonError {
  return e instanceof DaemonError;
}

/** Maps any thrown value to a DaemonError, sorting common Node fs errors into codes. */
export function toDaemonError(e: unknown): DaemonError {
  if (e instanceof DaemonError) return e;
  const err = e as NodeJS.ErrnoException | undefined;
  const msg = err?.message ?? String(e);
  switch (err?.code) {
    case 'ENOENT':
      return new DaemonError('FILE_NOT_FOUND', undefined, { cause: e });
    case 'EACCES':
    case 'EPERM':
      return new DaemonError('FILE_PERMISSION_DENIED', undefined, { cause: e });
    case 'EISDIR':
    case 'EIO':
      return new DaemonError('FILE_UNREADABLE', err.code, { cause: e });
    case 'ENOSPC':
    case 'EDQUOT':
      return new DaemonError('DISK_FULL', msg, { cause: e });
    default:
      return new DaemonError('INTERNAL', msg, { cause: e });
  }
}

/** Sorts a SQLite failure: a full disk (or size limit) is STORE_FULL, the rest STORE_FAILED. */
export function storeError(e: unknown): DaemonError {
  if (e instanceof DaemonError) return e;
  const code = (e as { code?: string } | undefined)?.code ?? '';
  if (code === 'SQLITE_FULL' || (e as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC') {
    return new DaemonError('STORE_FULL', 'free disk space (the database, previews and sidecars need room); work resumes by itself', { cause: e });
  }
  return new DaemonError('STORE_FAILED', (e as Error)?.message ?? String(e), { cause: e });
}
