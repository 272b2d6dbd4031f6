import os from 'node:os';

/**
 * libuv threadpool threads for a machine with `cores` cores. sharp runs each decode and encode on
 * one of them (a preview holds one to decode, then two to encode the preview and its thumbnail at
 * once), and fs/promises and crypto share them: with libuv's default of 4, eight CPU workers on an
 * 8-core Mac would queue for four threads and half the cores would idle through a first import.
 * Two per core (the CPU workers default to one per core) plus libuv's own four for file I/O.
 */
export function threadpoolSize(cores: number): number {
  return Math.min(64, 4 + 2 * Math.max(1, cores));
}

/**
 * Sets UV_THREADPOOL_SIZE for this process unless the user set it. libuv reads it once, when the
 * pool first starts: only the entry point's first import can do this (src/cli/size-threadpool.ts).
 */
export function sizeThreadpool(env: NodeJS.ProcessEnv = process.env, cores: number = os.availableParallelism()): string {
  if (!env.UV_THREADPOOL_SIZE) env.UV_THREADPOOL_SIZE = String(threadpoolSize(cores));
  return env.UV_THREADPOOL_SIZE;
}
