/**
 * The list the viewer walks with the arrow keys: whatever view opened it (timeline positions,
 * search results, a person's photos, a map cluster) says what comes before and after a photo.
 */
export interface ViewerList {
  /** The photo `delta` steps away from `id` (±1), or null at either end. */
  step(id: number, delta: number): Promise<number | null> | number | null;
}

/** A list over a known array of ids. */
export function idList(ids: readonly number[]): ViewerList {
  return {
    step(id, delta) {
      const i = ids.indexOf(id);
      const j = i + delta;
      return i < 0 || j < 0 || j >= ids.length ? null : ids[j]!;
    },
  };
}
