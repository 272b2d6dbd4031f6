import type { Places } from '../platform/places.js';

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
}

export interface CliEnv {
  places: Places;
  io: CliIO;
  env: NodeJS.ProcessEnv;
}

/**
 * One CLI command (`rawlight <name> ...`). Its `run` gets the arguments after the name and returns
 * the exit code. Commands parse their own flags with node:util parseArgs and print JSON with --json
 * (the JSON shapes named in the issues are contracts: extend, never rename).
 */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** More than the usage line, for `--help`: what the arguments mean, with examples. */
  readonly help?: string;
  run(args: string[], env: CliEnv): Promise<number>;
}

/** Thrown for bad arguments: printed with the command's usage, exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function printJson(io: CliIO, value: unknown): void {
  io.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
