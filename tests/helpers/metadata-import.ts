import { loadConfig } from '../../src/config/index.js';
import type { ConfigInput } from '../../src/config/index.js';
import type { ReaderOptions } from '../../src/exiftool/reader.js';
import { silentLogger } from '../../src/log/index.js';
import { Core } from '../../src/main.js';
import { resolvePlaces } from '../../src/platform/places.js';
import { MODELS } from './fixtures.js';

/**
 * Runs the named passes over `lib` into the daemon home `home` (its config.json read as the daemon
 * reads it), through the daemon's own composition (Core), until the queue is dry.
 */
export async function indexLibrary(home: string, lib: string, o: { passes: string[]; overrides?: Partial<ConfigInput>; exifReader?: ReaderOptions }): Promise<void> {
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  const config = loadConfig(places, { env: {}, ...(o.overrides ? { overrides: o.overrides } : {}) });
  const core = Core.open({ places, config, log: silentLogger(), onlyPasses: o.passes, ...(o.exifReader ? { exifReader: o.exifReader } : {}) });
  try {
    await core.reconcile([lib]);
    core.pipeline.sweep();
    core.pipeline.start();
    await core.pipeline.whenIdle(20);
  } finally {
    await core.close();
  }
}

/** Scan + metadata of `lib` into a fresh home: what tests compare when a read changes and the stored rows must not. */
export async function importMetadata(home: string, lib: string, exifReader?: ReaderOptions): Promise<void> {
  await indexLibrary(home, lib, { passes: ['metadata'], overrides: { modelsDir: MODELS }, ...(exifReader ? { exifReader } : {}) });
}
