/**
 * Float32 model inputs in shared memory, reused from one photo to the next. A fresh tensor per
 * photo (the classifier's 600 KB, each face's 150 KB) was memory the garbage collector had to
 * account for and the ML worker hop then copied into a shared buffer anyway (ort-host.ts); a
 * shared buffer reaches the worker as it is. A few per size, for concurrent passes; the rest are
 * dropped to the collector.
 */
export class InputBuffers {
  private readonly free = new Map<number, Float32Array[]>();

  constructor(private readonly perSize = 2) {}

  /** A buffer of exactly `length` floats (contents undefined: the caller writes all of it). */
  take(length: number): Float32Array {
    return this.free.get(length)?.pop() ?? new Float32Array(new SharedArrayBuffer(length * 4));
  }

  /** Hands a buffer back once nothing reads it any more (the inference it fed has replied). */
  give(b: Float32Array): void {
    let list = this.free.get(b.length);
    if (!list) this.free.set(b.length, (list = []));
    if (list.length < this.perSize && !list.includes(b)) list.push(b);
  }

  /** Floats held in free buffers. */
  get heldFloats(): number {
    let n = 0;
    for (const list of this.free.values()) for (const b of list) n += b.length;
    return n;
  }
}
