import type { ExifTool } from 'exiftool-vendored';

/**
 * Ends an ExifTool pool's idle processes (a perl holding 30-70 MB each, three of them after an
 * import: a caught-up daemon has no use for them, and batch-cluster health-checks each every 30 s).
 * The pool stays usable: its next task starts a process again (~0.2 s of perl start-up). Refuses
 * (false) while a task is queued or running, so an idle release never costs a read its process.
 */
export async function parkExifTool(et: ExifTool): Promise<boolean> {
  if (et.ended || et.pendingTasks > 0 || et.busyProcs > 0) return false;
  if (et.pids.length === 0) return true;
  // Graceful: a task that slipped in meanwhile finishes first (batch-cluster waits for it).
  await et.closeChildProcesses(true);
  return true;
}
