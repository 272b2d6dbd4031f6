import { DaemonError } from '../errors/index.js';

/**
 * A pass's stop point: past its timeout or at shutdown, a pass stops before its next costly step
 * or side effect (an XMP write, a cache file, a result) instead of finishing work nobody keeps.
 * The pipeline turns a timed-out pass's error into PASS_TIMEOUT with the timeout's own message.
 */
export function stopIfAborted(signal: AbortSignal, what: string): void {
  if (signal.aborted) throw new DaemonError('PASS_TIMEOUT', `stopped before ${what}: ${signal.reason instanceof Error ? signal.reason.message : 'shutting down'}`);
}
