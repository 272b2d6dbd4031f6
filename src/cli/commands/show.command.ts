import { parseArgs } from 'node:util';
import { printJson, UsageError, type CliCommand } from '../command.js';
import { openIndex } from '../open-index.js';
import { showDetail } from '../../api/files.repository.js';
import { notIndexed } from '../not-indexed.js';
import { canonicalPath } from '../../platform/canonical-path.js';
import { formatDetail } from '../show-text.js';

export const showCommand: CliCommand = {
  name: 'show',
  summary: 'Everything known about one file',
  usage: 'rawlight show PATH [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({ args, options: { json: { type: 'boolean', default: false } }, allowPositionals: true });
    if (positionals.length !== 1) throw new UsageError('give one file');
    const db = openIndex(env.places);
    try {
      const d = showDetail(db, canonicalPath(positionals[0]!));
      if (!d) throw notIndexed(positionals[0]!, env, db);
      if (values.json) printJson(env.io, d);
      else env.io.stdout.write(formatDetail(d));
      return 0;
    } finally {
      db.close();
    }
  },
};
