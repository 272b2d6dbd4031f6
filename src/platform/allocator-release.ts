/**
 * Gives the C allocator's free memory back to the OS once an idle daemon has let go of its import
 * buffers. Both allocators keep freed blocks for reuse: glibc returns only the top of each heap by
 * itself (MALLOC_TRIM_THRESHOLD_, see allocator-env.ts), and macOS's libmalloc keeps emptied
 * regions in its magazines. Measured on Linux (bench index part 5): after a few new photos and
 * the idle release the daemon idled at 212 MiB, about 30 MiB of it free memory glibc still held;
 * `malloc_trim(0)` gives it back (215 → 185 MiB from a debugger).
 *
 * Neither call is reachable from JavaScript, so the function is bound through koffi (a C FFI with
 * prebuilt binaries for every platform rawlight runs on), loaded at the first release only: a
 * busy daemon never maps it.
 *   - Linux with glibc: `malloc_trim(0)` (all arenas, free pages in the middle of heaps too);
 *   - macOS: `malloc_zone_pressure_relief(NULL, 0)` (every zone, as much as it can);
 *   - anything else (musl, BSD): nothing to call, nothing done.
 */

import { familySync, GLIBC } from 'detect-libc';

/** Binds one C function of a shared library (koffi in the daemon; a fake in tests). */
export type NativeBinder = (library: string, declaration: string) => Promise<(...args: unknown[]) => unknown>;

/** What a release did: the C call made, and its result (bytes released on macOS, 1/0 from glibc). */
export interface AllocatorReleaseResult {
  call: string;
  result: number;
}

interface Target {
  library: string;
  declaration: string;
  args: unknown[];
}

/** The C call for `platform`, or null where there is none to make. */
export function releaseTarget(platform: NodeJS.Platform, glibc: boolean): Target | null {
  if (platform === 'linux' && glibc) return { library: 'libc.so.6', declaration: 'int malloc_trim(size_t pad)', args: [0] };
  if (platform === 'darwin') {
    return { library: '/usr/lib/libSystem.B.dylib', declaration: 'size_t malloc_zone_pressure_relief(void *zone, size_t goal)', args: [null, 0] };
  }
  return null;
}

/**
 * True when this process runs on glibc (musl's libc has no malloc_trim). Through detect-libc, which
 * reads the answer from `ldd`'s file and falls back to a process report without its network part:
 * a plain `process.report.getReport()` resolves both ends of every open socket by reverse DNS on
 * the main thread (nodejs/node#46060), seconds each where PTR lookups time out, and at idle the
 * daemon holds the page's connections.
 */
export function runsOnGlibc(): boolean {
  return familySync() === GLIBC;
}

const koffiBinder: NativeBinder = async (library, declaration) => {
  const { default: koffi } = await import('koffi');
  return koffi.load(library).func(declaration) as (...args: unknown[]) => unknown;
};

/**
 * A release function for this process: each call gives free allocator memory back and says what it
 * called, or null where there is nothing to call. Binding happens once; a library that cannot be
 * bound makes the first call throw (the idle release logs it) and later calls return null.
 */
export function allocatorRelease(
  platform: NodeJS.Platform = process.platform,
  opts: { glibc?: boolean; bind?: NativeBinder } = {},
): () => Promise<AllocatorReleaseResult | null> {
  const bind = opts.bind ?? koffiBinder;
  // Worked out at the first call: a busy daemon never needs it.
  let target: Target | null | undefined;
  /** undefined: not bound yet; null: binding failed once (said by the first call's error). */
  let bound: Promise<(...args: unknown[]) => unknown> | null | undefined;
  return async () => {
    target ??= releaseTarget(platform, opts.glibc ?? (platform === 'linux' && runsOnGlibc()));
    if (!target || bound === null) return null;
    bound ??= bind(target.library, target.declaration);
    let fn: (...args: unknown[]) => unknown;
    try {
      fn = await bound;
    } catch (e) {
      bound = null;
      throw e;
    }
    return { call: target.declaration, result: Number(fn(...target.args)) };
  };
}
