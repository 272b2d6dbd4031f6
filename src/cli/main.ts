#!/usr/bin/env node
// First: sizes libuv's threadpool before any import or command can start it.
import './size-threadpool.js';
// Then V8's heap settings, before any photo is decoded.
import './tune-heap.js';
import { isDaemonError } from '../errors/index.js';
import { resolvePlaces } from '../platform/places.js';
import { applyPrivateUmask } from '../platform/private-files.js';
import { UsageError, type CliEnv } from './command.js';
import { commands } from './commands/index.js';
import { guardTerminal } from './terminal-safe.js';

function help(env: CliEnv): void {
  const w = Math.max(...commands.map((c) => c.name.length));
  env.io.stdout.write('rawlight: local photo intelligence for RAW libraries\n\nUsage: rawlight <command> [options]\n\n');
  for (const c of commands) env.io.stdout.write(`  ${c.name.padEnd(w)}  ${c.summary}\n`);
  env.io.stdout.write('\nrawlight <command> --help shows a command\'s usage.\n');
}

/** Dispatches `rawlight <command> ...`; returns the exit code. */
export async function main(argv: string[], env: CliEnv): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(env);
    return name ? 0 : 64;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    env.io.stderr.write(`rawlight: unknown command "${name}"\n`);
    help(env);
    return 64;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    env.io.stdout.write(`${cmd.summary}\nUsage: ${cmd.usage}\n${cmd.help ? `\n${cmd.help}\n` : ''}`);
    return 0;
  }
  try {
    return await cmd.run(rest, env);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      env.io.stderr.write(`rawlight ${name}: ${(e as Error).message}\nUsage: ${cmd.usage}\n`);
      return 64;
    }
    if (isDaemonError(e)) {
      env.io.stderr.write(`rawlight ${name}: ${e.message} [${e.code}]\n`);
      return e.code === 'DAEMON_ALREADY_RUNNING' ? 75 : 1;
    }
    env.io.stderr.write(`rawlight ${name}: unexpected error: ${(e as Error).stack ?? String(e)}\n`);
    return 70;
  }
}

// Run when executed directly (bin/rawlight, launchd), not when imported by tests.
if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/cli/main.js') || process.argv[1]?.endsWith('/cli/main.ts')) {
  // Every file any rawlight command creates (database, cache, logs, token) is the user's alone.
  applyPrivateUmask();
  // `rawlight people | head`: once the reader has gone, a command stops quietly, as other
  // command-line tools do, instead of dying on EPIPE with a stack trace. The daemon (`run`) goes on:
  // what it prints is a courtesy, its work is not.
  const daemon = process.argv[2] === 'run';
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      if (!daemon) process.exit(0);
    });
    guardTerminal(stream);
  }
  const code = await main(process.argv.slice(2), { places: resolvePlaces(), io: { stdout: process.stdout, stderr: process.stderr }, env: process.env });
  process.exitCode = code;
}
