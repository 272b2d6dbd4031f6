/**
 * C allocator settings for the daemon's process, set where it is launched (bin/rawlight and the
 * systemd unit). Measured on Linux (issue 14, bench index part 5): after a few new photos and the
 * idle release, the daemon stayed at 357 MiB, 180 MiB of it free memory glibc kept in the arenas
 * the ML, places and libvips threads had used (a malloc_trim(0) from a debugger gave back 350 MiB).
 * glibc makes up to 8 arenas per core and trims only the top of each heap; two arenas keep the
 * threads' freed blocks where later frees coalesce and the trim threshold returns them. With
 * MALLOC_ARENA_MAX=2 the same run idled at 210 MiB and peaked lower (1029 → 734 MiB while busy);
 * a fixed mmap threshold (64K or 128K) changed nothing further, so it is not set.
 *
 * Setting MALLOC_TRIM_THRESHOLD_ fixes glibc's mmap threshold as well (at its 128 KiB default; the
 * dynamic threshold is off once any of these variables is set): every block of 128 KiB or more is
 * mapped when allocated and unmapped when freed, and page-faulted in afresh. While the big buffers
 * are long-lived or pooled (decoded previews cached, model inputs reused, an onnxruntime arena per
 * session) that costs little: `rawlight index` of the 110 photos in the shared fixtures takes 30 s
 * under these settings against 27 s under glibc's defaults. When they are not, a lot: with the
 * OCR models' arena off (see session.ts memoryOptions) it took 78-89 s against 35 s. It is kept
 * for what it was set for, the idle daemon's RSS; bench index part 4b imports through bin/rawlight
 * so that a cost like that one shows.
 *
 * macOS: libmalloc's magazine allocator has no arena count to set and returns freed large regions
 * itself; no variable is set there (launchd's plist stays as it was).
 */
export const GLIBC_MALLOC_ENV: Readonly<Record<string, string>> = Object.freeze({
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '131072',
});

/**
 * The allocator variables for a daemon launched on `platform`; a value already set in `env` (the
 * user's own tuning) wins over ours.
 */
export function allocatorEnv(platform: NodeJS.Platform, env: NodeJS.ProcessEnv = {}): Record<string, string> {
  if (platform !== 'linux') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(GLIBC_MALLOC_ENV)) out[k] = env[k] || v;
  return out;
}
