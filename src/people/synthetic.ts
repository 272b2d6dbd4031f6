import { rng } from './neighbours.js';

/**
 * Synthetic face embeddings for tests and the benchmark: identities with a random unit centre,
 * faces = normalise(centre + gaussian noise), so same-identity cosine is about 1/(1+noise²);
 * plus "stranger" faces that belong to nobody. Faces are spread over photos so that no photo holds
 * two faces of one identity (the cannot-link rule real photos obey).
 */
export interface SyntheticFaces {
  n: number;
  d: number;
  vectors: Float32Array;
  /** Identity per face, -1 = stranger. */
  identity: Int32Array;
  /** Photo per face. */
  photo: Int32Array;
  photos: number;
}

export interface SyntheticOptions {
  faces: number;
  identities: number;
  d?: number;
  /** Noise norm relative to the unit centre (0.75 gives same-identity cosine ~0.64). */
  noise?: number;
  /** Share of faces that are strangers (singletons). */
  strangers?: number;
  /** Mean faces per photo. */
  facesPerPhoto?: number;
  seed?: number;
}

function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function randomUnit(out: Float32Array, o: number, d: number, rand: () => number, scale = 1): void {
  let s = 0;
  for (let x = 0; x < d; x++) {
    const g = gaussian(rand);
    out[o + x] = g;
    s += g * g;
  }
  const k = scale / Math.sqrt(s);
  for (let x = 0; x < d; x++) out[o + x]! *= k;
}

export function syntheticFaces(opts: SyntheticOptions): SyntheticFaces {
  const d = opts.d ?? 512;
  const n = opts.faces;
  const rand = rng(opts.seed ?? 7);
  const noise = opts.noise ?? 0.75;
  const centres = new Float32Array(opts.identities * d);
  for (let c = 0; c < opts.identities; c++) randomUnit(centres, c * d, d, rand);
  // Identity sizes follow a Zipf-like law: a few people in many photos, many in a few.
  const weights = Array.from({ length: opts.identities }, (_, c) => 1 / (c + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const w of weights) cumulative.push((acc += w / total));
  const vectors = new Float32Array(n * d);
  const identity = new Int32Array(n);
  const strangerShare = opts.strangers ?? 0.1;
  const noiseVec = new Float32Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    if (rand() < strangerShare) {
      identity[i] = -1;
      randomUnit(vectors, o, d, rand);
      continue;
    }
    const r = rand();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    identity[i] = lo;
    randomUnit(noiseVec, 0, d, rand, noise);
    let s = 0;
    for (let x = 0; x < d; x++) {
      const v = centres[lo * d + x]! + noiseVec[x]!;
      vectors[o + x] = v;
      s += v * v;
    }
    const k = 1 / Math.sqrt(s);
    for (let x = 0; x < d; x++) vectors[o + x]! *= k;
  }
  // Photos: consecutive faces share a photo unless that would put one identity twice in it.
  const perPhoto = opts.facesPerPhoto ?? 1.5;
  const photo = new Int32Array(n);
  let current = 0;
  let members = new Set<number>();
  for (let i = 0; i < n; i++) {
    const id = identity[i]!;
    const full = members.size > 0 && rand() > 1 - 1 / perPhoto;
    if (full || (id >= 0 && members.has(id))) {
      current++;
      members = new Set();
    }
    photo[i] = current;
    if (id >= 0) members.add(id);
  }
  return { n, d, vectors, identity, photo, photos: current + 1 };
}
