/**
 * Float32 model inputs in shared memory, reused from one photo to the next. A fresh tensor per
 * photo (the classifier's 600 KB, each face's 150 KB) was memory the garbage collector had to
 * account for and the ML worker hop then copied into a shared buffer anyway (ort-host.ts); a
 * shared buffer reaches the worker as it is. A few per size, for concurrent passes; the rest are
 * dropped to the collector.
 */
export class InputBuffers {
  private readonly free = new Map<number, Float32Array[]>();

  /**
   * @param perSize free buffers kept of each size
   * @param total free buffers kept in all: a model fed a size per photo's aspect ratio (a dynamic
   *   YuNet) would otherwise keep a few of every size it ever saw
   */
  constructor(
    private readonly perSize = 2,
    private readonly total = Number.POSITIVE_INFINITY,
  ) {
    pools.add(new WeakRef(this));
  }

  /** A buffer of exactly `length` floats (contents undefined: the caller writes all of it). */
  take(length: number): Float32Array {
    return this.free.get(length)?.pop() ?? new Float32Array(new SharedArrayBuffer(length * 4));
  }

  /** Hands a buffer back once nothing reads it any more (the inference it fed has replied). */
  give(b: Float32Array): void {
    let list = this.free.get(b.length);
    if (!list) this.free.set(b.length, (list = []));
    if (list.length >= this.perSize || list.includes(b)) return;
    if (this.count() >= this.total) {
      // Room made by dropping a buffer of another size (the size first seen).
      for (const [size, l] of this.free) {
        if (size === b.length || l.length === 0) continue;
        l.shift();
        if (l.length === 0) this.free.delete(size);
        break;
      }
      if (this.count() >= this.total) return;
    }
    list.push(b);
  }

  private count(): number {
    let n = 0;
    for (const l of this.free.values()) n += l.length;
    return n;
  }

  /** Drops the free buffers (the next take() makes a new one). */
  clear(): void {
    this.free.clear();
  }

  /** Floats held in free buffers. */
  get heldFloats(): number {
    let n = 0;
    for (const list of this.free.values()) for (const b of list) n += b.length;
    return n;
  }
}

/** Every pool in the process, so that a dry queue can empty them all (dropFreeInputs). */
const pools = new Set<WeakRef<InputBuffers>>();

/**
 * Empties every pool's free buffers: the queue is dry and the models are parked, so nothing will
 * take them before the next import. They were what an idle daemon still held of the ML passes:
 * YunetDetector's 4.9 MB detector input, the classifier's 0.6 MB, the embedder's faces.
 */
export function dropFreeInputs(): void {
  for (const ref of pools) {
    const pool = ref.deref();
    if (pool) pool.clear();
    else pools.delete(ref);
  }
}
