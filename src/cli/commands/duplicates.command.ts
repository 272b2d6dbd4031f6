import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { findDuplicates } from '../../duplicates/find-duplicates.js';
import { judgeForLibrary } from '../../duplicates/judge-for-library.js';
import { printJson, type CliCommand } from '../command.js';
import { openIndex } from '../open-index.js';

export const duplicatesCommand: CliCommand = {
  name: 'duplicates',
  summary: 'Exact copies, near duplicates and bursts, with the one to keep (never deletes or moves)',
  usage: 'rawlight duplicates [--json]',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const cfg = loadConfig(env.places, { env: env.env });
    const db = openIndex(env.places);
    const { judge, close } = await judgeForLibrary(db, cfg, env.places);
    try {
      const groups = await findDuplicates({ db, cacheDir: env.places.cacheDir, judge });
      if (values.json) {
        // The contract: {"groups": [{"kind", "files", "keep"}]} (extend, never rename).
        printJson(env.io, { groups, confirmedBy: judge?.name ?? 'hash' });
        return 0;
      }
      if (!groups.length) env.io.stdout.write('no duplicates found\n');
      for (const g of groups) {
        env.io.stdout.write(`${g.kind} (${g.files.length})\n`);
        for (const f of g.files) env.io.stdout.write(`  ${f === g.keep ? 'keep' : '    '}  ${f}\n`);
      }
      return 0;
    } finally {
      await close();
      db.close();
    }
  },
};
