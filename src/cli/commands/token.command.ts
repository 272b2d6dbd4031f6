import { parseArgs } from 'node:util';
import { rotateToken, tokenPath } from '../../api/api-token.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `rawlight token rotate`: a new API token. The running daemon picks it up at once (it re-reads
 * the file when it changes), so every browser session and every script holding the old token is
 * signed out; `rawlight open` signs this browser in again.
 */
export const tokenCommand: CliCommand = {
  name: 'token',
  summary: 'rotate: make a new API token and sign every browser out',
  usage: 'rawlight token rotate',
  async run(args, env) {
    const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
    if (positionals[0] !== 'rotate' || positionals.length !== 1) throw new UsageError('the only subcommand is "rotate"');
    rotateToken(env.places);
    env.io.stdout.write(`new API token in ${tokenPath(env.places)}; every browser is signed out. Sign in again with: rawlight open\n`);
    return 0;
  },
};
