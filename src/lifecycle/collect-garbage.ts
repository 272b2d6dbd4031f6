import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | null | undefined;

/**
 * A full garbage collection now, if the runtime allows one (it is how an idle daemon gives back
 * the buffers an import left behind: V8 otherwise collects only under allocation pressure, which
 * an idle process never creates). `--expose-gc` set at run time takes effect for new contexts,
 * so the function comes from one. Returns false when no collector could be had.
 */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
