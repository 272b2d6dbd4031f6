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
