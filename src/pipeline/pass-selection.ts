import { DaemonError } from '../errors/index.js';
import type { Pass } from '../passes/pass.js';

/**
 * The passes named, plus every pass they read from (their `after`, transitively), in the chain's
 * own order. The prerequisites only run where their result is missing or stale (the usual hash
 * gate), so `--passes faces` on an indexed library runs faces alone. Passes outside the selection
 * are not registered at all: nothing queues them.
 */
export function withPrerequisites(passes: readonly Pass[], names: readonly string[]): Pass[] {
  const byName = new Map(passes.map((p) => [p.name, p]));
  const unknown = names.filter((n) => !byName.has(n));
  if (unknown.length) {
    throw new DaemonError('CONFIG_INVALID', `unknown pass${unknown.length > 1 ? 'es' : ''} ${unknown.join(', ')}; passes: ${passes.map((p) => p.name).join(', ')}`);
  }
  const keep = new Set<string>();
  const visit = (n: string) => {
    if (keep.has(n)) return;
    keep.add(n);
    for (const dep of byName.get(n)?.after ?? []) if (byName.has(dep)) visit(dep);
  };
  for (const n of names) visit(n);
  return passes.filter((p) => keep.has(p.name));
}
