import { parseArgs } from 'node:util';
import { countFaces, purgeFaces } from '../../ml/faces/face.repository.js';
import { printJson, UsageError, type CliCommand } from '../command.js';
import { hasIndex, openIndexForChange } from '../open-index.js';

export const facesCommand: CliCommand = {
  name: 'faces',
  summary: 'Face data housekeeping: `faces purge` deletes every face, vector and crop',
  usage: 'rawlight faces purge [--yes] [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { yes: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    });
    if (positionals[0] !== 'purge') throw new UsageError(positionals[0] ? `unknown subcommand "${positionals[0]}"` : 'missing subcommand');
    if (!hasIndex(env.places)) {
      // Nothing indexed yet: no face data anywhere, which is what purging asks for.
      if (values.json) printJson(env.io, { faces: 0, crops: 0 });
      else env.io.stdout.write('Nothing indexed yet: there is no face data to delete.\n');
      return 0;
    }
    const db = openIndexForChange(env.places);
    try {
      if (!values.yes) {
        const n = countFaces(db);
        env.io.stderr.write(`This deletes ${n.faces} face(s) in ${n.files} photo(s), their embeddings and crops, and the people attached to them lose those faces.\nRun again with --yes to do it.\n`);
        return 1;
      }
      const r = purgeFaces(db, env.places.cacheDir);
      if (values.json) printJson(env.io, r);
      else env.io.stdout.write(`Deleted ${r.faces} face(s) and ${r.crops} crop(s).\n`);
      return 0;
    } finally {
      db.close();
    }
  },
};
