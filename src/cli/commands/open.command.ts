import { parseArgs } from 'node:util';
import { signInUrl } from '../../api/routes/page.route.js';
import { loadConfig } from '../../config/index.js';
import { createUrlOpener } from '../../platform/desktop.js';
import { createRunner } from '../../platform/runner.js';
import type { CliCommand } from '../command.js';
import { createDaemonClient, findQueueHolder } from '../daemon-client.js';
import { writeSignInLauncher } from '../sign-in-launcher.js';

export interface OpenCommandOptions {
  /** Which desktop to drive (tests run the macOS path on Linux with a fake `open`). */
  platform?: NodeJS.Platform;
}

/**
 * `rawlight open`: the status page, already signed in. The browser gets the sign-in URL (the
 * token once, in the query), the daemon answers with the session cookie and sends it on to `/`.
 * `--print` prints the URL instead (no desktop, another browser, install.sh's last line).
 */
export function createOpenCommand(opts: OpenCommandOptions = {}): CliCommand {
  return {
    name: 'open',
    summary: 'Open the status page in the browser, signed in (--print: print the sign-in URL)',
    usage: 'rawlight open [--print]',
    async run(args, env) {
      const { values } = parseArgs({ args, options: { print: { type: 'boolean', default: false } } });
      const config = loadConfig(env.places, { env: env.env });
      // A daemon just started (install.sh's last line comes right after it) may bind another port
      // than the configured one, if that is taken: its own URL is waited for, not guessed.
      const holder = await findQueueHolder(env.places, { onWait: (pid) => env.io.stderr.write(`rawlight open: the daemon${pid ? ` (pid ${pid})` : ''} is starting; waiting for it to answer\n`) });
      const client = createDaemonClient(env.places, config);
      const url = signInUrl(client.baseUrl, client.token);
      if (holder.kind !== 'daemon') env.io.stderr.write('rawlight open: the daemon is not running; the page answers once it is (rawlight agent install, or rawlight run)\n');
      if (values.print) {
        env.io.stdout.write(url + '\n');
        return 0;
      }
      const open = createUrlOpener({ platform: opts.platform ?? process.platform, env: env.env, runner: createRunner({ env: env.env }) });
      await open(writeSignInLauncher(env.places.configDir, url));
      env.io.stdout.write(`opened ${client.baseUrl} (signed in)\n`);
      return 0;
    },
  };
}

export const openCommand = createOpenCommand();
