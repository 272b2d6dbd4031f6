/**
 * The people grouping job at library scale: 100K synthetic 512-d face embeddings (Zipf-sized
 * identities with noise, 10% strangers, ~1.5 faces per photo) in a real SQLite file, grouped from
 * scratch as the daemon does (regroupInWorker: read and cluster in a worker thread). Target: under 60 s on the 2-core machine, memory bounded (O(n·d)).
 *
 * Prints: time per stage, peak RSS, BCubed against the synthetic identities, the neighbour search's
 * recall against brute force on a sample, and the ratio to brute-force k-NN measured in this run
 * (exact top-k for a sample of queries on the same engine, scaled to all n).
 *
 *   node --import tsx bench/people.bench.ts [faces=100000] [identities=4000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { regroupAll } from '../src/people/grouping.js';
import { regroupInWorker } from '../src/people/threaded-regroup.js';
import { bcubed, mixedClusters } from '../src/people/evaluate.js';
import { knnGraph, rng } from '../src/people/neighbours.js';
import { SimilarityEngine } from '../src/people/similarity-engine.js';
import { syntheticFaces } from '../src/people/synthetic.js';
import { openDb } from '../src/store/db.js';

const N = Number(process.argv[2] ?? 100_000);
const IDS = Number(process.argv[3] ?? 4000);
const D = 512;
const LIMIT_S = 60;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** The longest gap between ticks of a 5 ms timer until stop(): how long the event loop was blocked. */
function longestStall(): { stop: () => number } {
  let last = performance.now();
  let max = 0;
  const t = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 5);
  return {
    stop: () => {
      clearInterval(t);
      return Math.max(max, performance.now() - last);
    },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-people-bench-'));
  try {
    const t0 = performance.now();
    const s = syntheticFaces({ faces: N, identities: IDS, d: D, noise: 0.8, strangers: 0.1, seed: 11 });
    const { db } = openDb(path.join(dir, 'rawlight.db'));
    const now = Date.now();
    db.transaction(() => {
      const file = db.prepare(`INSERT INTO files (id, path, root, ext, kind, state, first_seen_at, last_seen_at) VALUES (?, ?, '/lib', 'jpg', 'image', 'present', ?, ?)`);
      for (let p = 0; p < s.photos; p++) file.run(p + 1, `/lib/${p}.jpg`, now, now);
      const face = db.prepare(
        `INSERT INTO faces (id, file_id, preview_hash, idx, box_x, box_y, box_w, box_h, stored_x, stored_y, stored_w, stored_h, score, detector, embedder, embedding, created_at)
         VALUES (?, ?, 'h', ?, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 'bench', 'bench-512', ?, ?)`,
      );
      let lastPhoto = -1;
      let idx = 0;
      for (let i = 0; i < s.n; i++) {
        idx = s.photo[i] === lastPhoto ? idx + 1 : 0;
        lastPhoto = s.photo[i]!;
        face.run(i + 1, s.photo[i]! + 1, idx, Buffer.from(s.vectors.buffer, i * D * 4, D * 4), now);
      }
    })();
    const tSetup = performance.now();
    console.log(`setup: ${s.n} faces of ${IDS} identities in ${s.photos} photos, ${((tSetup - t0) / 1000).toFixed(1)} s`);

    const rssBefore = process.memoryUsage().rss;
    // As the daemon runs it: reading and clustering in a worker thread, the write on this thread.
    // The event loop's longest stall says what the pipeline and the API wait meanwhile.
    const stall = longestStall();
    const report = await regroupInWorker(db, { writeback: false, manifest: null });
    const threadedStallMs = stall.stop();
    const rssPeak = process.resourceUsage().maxRSS * 1024;
    const seconds = report.ms.total / 1000;
    console.log(
      `grouping job: ${seconds.toFixed(1)} s (load ${report.ms.load} ms, neighbours ${report.ms.neighbours} ms, cluster ${report.ms.cluster} ms, write ${report.ms.write} ms)`,
    );
    console.log(`  groups created ${report.groups.created}, faces grouped ${report.grouped}, unassigned ${report.unassigned}, refused unions ${JSON.stringify(report.refused)}`);
    console.log(`  RSS before ${mb(rssBefore)}, peak ${mb(rssPeak)} (the vectors alone: ${mb(s.n * D * 4)})`);
    // Baseline in the same run: a re-run entirely on this thread (its write changes next to nothing,
    // so its stall is the reading and clustering the worker takes off the main thread).
    const stall2 = longestStall();
    const rerun = await regroupAll(db, { writeback: false, manifest: null });
    const inProcessStallMs = stall2.stop();
    console.log(
      `  main thread's longest stall: ${threadedStallMs.toFixed(0)} ms grouping in the worker (that is the write of ${report.grouped + report.attached} assignments) vs ${inProcessStallMs.toFixed(0)} ms for an in-process re-run (load ${rerun.ms.load} ms, cluster ${rerun.ms.cluster} ms, write ${rerun.ms.write} ms)`,
    );

    // Quality against the synthetic truth.
    const personOf = new Map<number, number>();
    for (const r of db.prepare('SELECT face_id, person_id FROM face_person').iterate() as IterableIterator<{ face_id: number; person_id: number }>) personOf.set(r.face_id, r.person_id);
    const clusters = Array.from({ length: s.n }, (_, i) => personOf.get(i + 1) ?? null);
    const labels = Array.from(s.identity, (x) => (x >= 0 ? `id${x}` : null));
    const b = bcubed(clusters, labels);
    console.log(`  BCubed precision ${b.precision.toFixed(4)} recall ${b.recall.toFixed(4)} (${b.items} labelled faces); mixed groups: ${mixedClusters(clusters, labels).length}`);
    db.close();

    // Baseline: exact (brute-force) top-k on the same engine for a sample of queries, scaled to n.
    const eng = await SimilarityEngine.create(2);
    const rand = rng(3);
    const Q = 1000;
    const qrows = Array.from({ length: Q }, () => Math.floor(rand() * s.n));
    const Qm = new Float32Array(Q * D);
    qrows.forEach((r, t) => Qm.set(s.vectors.subarray(r * D, r * D + D), t * D));
    const tb0 = performance.now();
    const exact: { idx: Int32Array; sim: Float32Array }[] = [];
    for (let start = 0; start < Q; start += 100) {
      const r = await eng.topK(Qm.subarray(start * D, (start + 100) * D), 100, s.vectors, s.n, D, 11);
      exact.push({ idx: r.idx, sim: r.sim });
    }
    const bruteMs = ((performance.now() - tb0) * s.n) / Q;
    await eng.close();
    console.log(`brute-force k-NN baseline (measured on ${Q} queries, scaled): ${(bruteMs / 1000).toFixed(1)} s for all ${s.n}`);
    console.log(`ratio brute-force k-NN / whole grouping job: ${(bruteMs / report.ms.total).toFixed(1)}x`);

    // Neighbour recall of the approximate graph (rebuilt here, same settings) above the link threshold.
    const tg = performance.now();
    const g = await knnGraph(s.vectors, s.n, D, { k: 12, minSim: 0.27 });
    const graphMs = performance.now() - tg;
    let want = 0;
    let got = 0;
    qrows.forEach((i, t) => {
      const chunk = exact[Math.floor(t / 100)]!;
      const o = (t % 100) * 11;
      const truth: number[] = [];
      for (let p = 0; p < 11; p++) if (chunk.idx[o + p] !== i && chunk.sim[o + p]! >= 0.42) truth.push(chunk.idx[o + p]!);
      const mine = new Set(Array.from(g.idx.subarray(i * 12, i * 12 + 12)));
      want += Math.min(truth.length, 10);
      got += truth.slice(0, 10).filter((j) => mine.has(j)).length;
    });
    console.log(`neighbour search alone: ${(graphMs / 1000).toFixed(1)} s; recall@10 of true neighbours above 0.42: ${(got / Math.max(1, want)).toFixed(4)}`);
    const ok = seconds < LIMIT_S;
    console.log(`${ok ? 'PASS' : 'FAIL'}: grouping ${s.n} faces in ${seconds.toFixed(1)} s (limit ${LIMIT_S} s), peak RSS ${mb(rssPeak)}`);
    if (!ok) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
