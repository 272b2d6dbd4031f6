import v8 from 'node:v8';

/**
 * V8 settings for the daemon's process (every thread: the ML and render workers share them).
 *
 * `--external-memory-accounted-in-global-limit`: memory held outside V8's heap by ArrayBuffers
 * (decoded previews, sharp's output buffers, tensors coming back from the ML worker: megabytes per
 * photo, nearly all of it dead within the photo) counts towards the heap's one global limit,
 * instead of V8's separate external-memory trigger, which starts a full mark-compact every few
 * photos even when a scavenge frees those buffers. Measured on the faces pass (bench index, part 3):
 * 0.25-0.34 major GCs a photo and 4-6 ms of pauses a photo on the daemon's thread, against 0.01-0.05
 * with it. The buffers are still freed, by the scavenges that find them dead; the limit still
 * bounds what a long-lived buffer can hold (see tests/unit/platform/v8-heap.test.ts).
 */
export const DAEMON_V8_FLAGS: readonly string[] = Object.freeze(['--external-memory-accounted-in-global-limit']);

/** Applies DAEMON_V8_FLAGS to this process; returns them. Called once, by the CLI entry (src/cli/tune-heap.ts). */
export function tuneV8Heap(set: (flag: string) => void = (f) => v8.setFlagsFromString(f)): readonly string[] {
  for (const f of DAEMON_V8_FLAGS) set(f);
  return DAEMON_V8_FLAGS;
}
