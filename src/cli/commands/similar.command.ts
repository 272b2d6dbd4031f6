import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { DaemonError } from '../../errors/index.js';
import { clipSourceFromRegistry } from '../../ml/clip/model-sources.js';
import { createModelRegistry } from '../../ml/registry.js';
import { latestSpaceOf } from '../../search/clip-embedding.repository.js';
import { similar } from '../../search/search.js';
import { getFileByPath } from '../../store/repositories/file.repository.js';
import { UsageError, type CliCommand } from '../command.js';
import { openIndex } from '../open-index.js';
import { notIndexed } from '../not-indexed.js';
import { printResults } from './search.command.js';
import { canonicalPath } from '../../platform/canonical-path.js';

export const similarCommand: CliCommand = {
  name: 'similar',
  summary: 'Photos that look like this one (CLIP image embeddings)',
  usage: 'rawlight similar PATH [--limit N] [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { limit: { type: 'string' }, json: { type: 'boolean', default: false } } });
    if (positionals.length !== 1) throw new UsageError('give one file');
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be a whole number from 1 to 10000');
    const db = openIndex(env.places);
    try {
      const f = getFileByPath(db, canonicalPath(positionals[0]!));
      if (!f) throw notIndexed(positionals[0]!, env, db);
      if (!latestSpaceOf(db, f.id)) {
        // Say why: no CLIP model at all (install one) or this photo not embedded yet (wait).
        const clip = clipSourceFromRegistry(createModelRegistry(loadConfig(env.places, { env: env.env }), env.places));
        const installed = clip.current() !== null;
        await clip.close();
        throw new DaemonError('NOT_EMBEDDED', installed ? `${f.path} is not embedded yet (the embed pass has not reached it)` : `More like this needs a CLIP model, and none is installed (see \`rawlight models\`)`);
      }
      printResults(env.io, similar(db, f.id, limit), values.json);
      return 0;
    } finally {
      db.close();
    }
  },
};
