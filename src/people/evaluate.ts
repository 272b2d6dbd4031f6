/**
 * BCubed precision and recall of a clustering against labels (Amigó et al. 2009), the measure the
 * people issue is judged by. Items without a label are left out of every set; an item with no
 * cluster (null) is a cluster of its own.
 */
export interface BCubed {
  precision: number;
  recall: number;
  f1: number;
  items: number;
}

export function bcubed(clusters: readonly (number | string | null)[], labels: readonly (string | null)[]): BCubed {
  const items: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] !== null && labels[i] !== undefined) items.push(i);
  const clusterKey = (i: number) => (clusters[i] === null || clusters[i] === undefined ? `single:${i}` : `c:${clusters[i]}`);
  const clusterSize = new Map<string, number>();
  const pairCount = new Map<string, number>(); // (cluster, label) -> items
  const labelSize = new Map<string, number>();
  for (const i of items) {
    const c = clusterKey(i);
    const l = labels[i]!;
    clusterSize.set(c, (clusterSize.get(c) ?? 0) + 1);
    labelSize.set(l, (labelSize.get(l) ?? 0) + 1);
    const key = `${c}\u0000${l}`;
    pairCount.set(key, (pairCount.get(key) ?? 0) + 1);
  }
  let p = 0;
  let r = 0;
  for (const i of items) {
    const c = clusterKey(i);
    const l = labels[i]!;
    const same = pairCount.get(`${c}\u0000${l}`)!;
    p += same / clusterSize.get(c)!;
    r += same / labelSize.get(l)!;
  }
  const precision = items.length ? p / items.length : 1;
  const recall = items.length ? r / items.length : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, items: items.length };
}

/** Clusters that hold items of more than one label (ignoring unlabelled items). */
export function mixedClusters(clusters: readonly (number | string | null)[], labels: readonly (string | null)[]): (number | string)[] {
  const seen = new Map<number | string, Set<string>>();
  clusters.forEach((c, i) => {
    const l = labels[i];
    if (c === null || c === undefined || l === null || l === undefined) return;
    seen.set(c, (seen.get(c) ?? new Set()).add(l));
  });
  return [...seen].filter(([, ls]) => ls.size > 1).map(([c]) => c);
}
