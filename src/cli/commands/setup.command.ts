import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureToken } from '../../api/api-token.js';
import { configPath, parseConfig, readConfigFile, saveConfigFile } from '../../config/index.js';
import { defaultLibrary } from '../../platform/places.js';
import { tightenPrivateFiles } from '../../platform/private-files.js';
import { printJson, type CliCommand } from '../command.js';
import { daemonRunning } from '../lock.js';

/**
 * Idempotent first-run set-up (install.sh calls it): folders, a config naming the library, the
 * API token. Running it again changes nothing unless a new --library is given.
 */
export const setupCommand: CliCommand = {
  name: 'setup',
  summary: 'Create the config, data, cache and log folders, the config file and the API token (idempotent)',
  usage: 'rawlight setup [--library DIR]... [--json]',
  async run(args, env) {
    const { values } = parseArgs({ args, options: { library: { type: 'string', multiple: true }, json: { type: 'boolean', default: false } } });
    const p = env.places;
    // Folders 0700 (an install from before this release is tightened); the CLI entry set the umask.
    tightenPrivateFiles(p);
    const file = configPath(p);
    const raw = readConfigFile(file);
    parseConfig(raw, file); // refuse to touch an invalid config: say why instead
    const libs = new Set<string>(Array.isArray(raw.libraries) ? (raw.libraries as string[]) : []);
    const asked = (values.library ?? []).map((l) => path.resolve(l));
    if (asked.length === 0 && libs.size === 0) asked.push(defaultLibrary());
    let changed = !existsSync(file);
    for (const l of asked) {
      mkdirSync(l, { recursive: true });
      if (!libs.has(l)) {
        libs.add(l);
        changed = true;
      }
    }
    if (changed) saveConfigFile(p, { ...raw, libraries: [...libs] });
    ensureToken(p);
    tightenPrivateFiles(p); // config.json when an in-process caller did not set the umask
    const out = { config: file, changed, libraries: [...libs], places: p, logsDir: p.logsDir, running: daemonRunning(p) };
    if (values.json) printJson(env.io, out);
    else env.io.stdout.write(`${changed ? 'wrote' : 'unchanged'} ${file}; libraries: ${[...libs].join(', ')}\n`);
    return 0;
  },
};
