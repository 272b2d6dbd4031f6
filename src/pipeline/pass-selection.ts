import { DaemonError } from '../errors/index.js';
import type { Pass } from '../passes/pass.js';

/**
 * The passes named, plus every pass they read from (their `after`, transitively), in the chain's
 * own order. The prerequisites only run where their result is missing or stale (the usual hash
 * gate), so `--passes faces` on an indexed library runs faces alone. Passes outside the selection
 * are not registered at all: nothing queues them.
 */
export function withPrerequisites(passes: readonly Pass[], asked: readonly string[]): Pass[] {
  const byName = new Map(passes.map((p) => [p.name, p]));
  // Pass names are lower case; "Faces" typed at a prompt means faces.
  const names = asked.map((n) => n.toLowerCase());
  const unknown = asked.filter((n) => !byName.has(n.toLowerCase()));
  if (unknown.length) {
    const known = passes.map((p) => p.name);
    throw new DaemonError('PASS_UNKNOWN', `${unknown.join(', ')}; the passes are ${known.join(', ')}`, { details: { unknown, passes: known } });
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
