import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '..', '..');

/** The shared real fixtures (read-only: tests copy them, never write there). */
export const FIXTURES = process.env.RAWLIGHT_TEST_FIXTURES ?? path.resolve(repo, '..', 'shared', 'fixtures');
/** The shared real models. */
export const MODELS = process.env.RAWLIGHT_TEST_MODELS ?? path.resolve(repo, '..', 'shared', 'models');
export const REPO = repo;

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'rawlight-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  // Retries: a logger's worker thread may still be flushing into the folder when a test ends.
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 }) };
}

/**
 * Copies fixture paths (relative to the fixtures folder, files or folders) into dest, keeping
 * their relative layout. Copies are writable even though the originals are read-only.
 */
export function copyFixtures(dest: string, rels: string[]): string[] {
  const out: string[] = [];
  for (const rel of rels) {
    const to = path.join(dest, rel);
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(path.join(FIXTURES, rel), to, { recursive: true, mode: 0 });
    makeWritable(to);
    out.push(to);
  }
  return out;
}

/** The originals are read-only; their copies must be writable for tests that edit them. */
export function makeWritable(p: string): void {
  const st = statSync(p);
  chmodSync(p, st.mode | 0o200 | (st.isDirectory() ? 0o100 : 0));
  if (st.isDirectory()) for (const e of readdirSync(p)) makeWritable(path.join(p, e));
}
