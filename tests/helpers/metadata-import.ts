import { loadConfig } from '../../src/config/index.js';
import type { ReaderOptions } from '../../src/exiftool/reader.js';
import { silentLogger } from '../../src/log/index.js';
import { Core } from '../../src/main.js';
import { resolvePlaces } from '../../src/platform/places.js';
import { MODELS } from './fixtures.js';

/**
 * Scan + metadata of `lib` into a fresh daemon home, through the daemon's own composition (Core),
 * until the queue is dry: what tests compare when a read changes and the stored rows must not.
 */
export async function importMetadata(home: string, lib: string, exifReader?: ReaderOptions): Promise<void> {
  const places = resolvePlaces({ env: { RAWLIGHT_HOME: home } });
  const config = loadConfig(places, { env: {}, overrides: { modelsDir: MODELS } });
  const core = Core.open({ places, config, log: silentLogger(), onlyPasses: ['metadata'], ...(exifReader ? { exifReader } : {}) });
  try {
    await core.reconcile([lib]);
    core.pipeline.sweep();
    core.pipeline.start();
    await core.pipeline.whenIdle(20);
  } finally {
    await core.close();
  }
}
