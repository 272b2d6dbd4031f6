import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { resolvePlaces } from '../../src/platform/places.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: <T = Record<string, unknown>>() => T;
}

/** Runs the real CLI in-process against a RAWLIGHT_HOME (the same code path as bin/rawlight). */
export async function cli(home: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const env = { ...process.env, RAWLIGHT_HOME: home, ...extraEnv };
  const code = await main(args, { places: resolvePlaces({ env }), io: { stdout, stderr }, env });
  return { code, stdout: out, stderr: err, json: <T>() => JSON.parse(out) as T };
}

/**
 * Runs the real CLI in a child process, optionally under a wrapper command (e.g. `setpriv` to drop
 * root's capabilities so file permissions bite as they do for a user's daemon).
 */
export function cliProcess(home: string, args: string[], opts: { wrapper?: string[]; extraEnv?: NodeJS.ProcessEnv } = {}): CliResult {
  const entry = path.join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
  const argv = [...(opts.wrapper ?? []), process.execPath, '--import', 'tsx', entry, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env: { ...process.env, RAWLIGHT_HOME: home, ...opts.extraEnv } });
  if (r.error) throw r.error;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr, json: <T>() => JSON.parse(r.stdout) as T };
}

/** What `rawlight search --json` prints, as the search tests read it. */
export interface SearchJson {
  empty?: string;
  parsed: { kind: string; label: string }[];
  results: { fileId: number; path: string; why: string }[];
}

/**
 * `rawlight search QUERY --json --limit 50` through the in-process CLI (it must exit 0): `search`
 * gives the whole answer, `found` the paths found, sorted.
 */
export function searchCli(home: string): { search: (q: string) => Promise<SearchJson>; found: (q: string) => Promise<string[]> } {
  const search = async (q: string) => {
    const r = await cli(home, ['search', q, '--json', '--limit', '50']);
    if (r.code !== 0) throw new Error(`rawlight search ${JSON.stringify(q)} exited ${r.code}: ${r.stderr}`);
    return r.json<SearchJson>();
  };
  return { search, found: async (q) => (await search(q)).results.map((x) => x.path).sort() };
}
