import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { isDaemonError } from '../../errors/index.js';
import { createPlatform, platformChecks, renderPlist, renderUnit, type AgentMode, type Platform, type PlatformOptions } from '../../platform/index.js';
import { printJson, UsageError, type CliCommand, type CliEnv } from '../command.js';

/** EX_UNAVAILABLE: no launchd domain / user systemd here. install.sh treats it as "skip the agent". */
export const EXIT_AGENT_UNAVAILABLE = 69;

const USAGE = 'rawlight agent plist|unit|install|uninstall|status|restart [--turbo|--background] [--json]';

function platformFor(env: CliEnv, overrides: Partial<PlatformOptions>, turbo: boolean): Platform {
  const home = env.env.HOME;
  return createPlatform({ places: env.places, env: env.env, turbo, ...(home ? { homedir: home } : {}), ...overrides });
}

function turboFromConfig(env: CliEnv, strict: boolean): boolean {
  try {
    return loadConfig(env.places, { env: env.env }).agent.turbo;
  } catch (e) {
    if (strict) throw e;
    return true; // the schema's default
  }
}

/**
 * `rawlight agent ...`: the daemon as a login service. `overrides` exist for tests (platform,
 * app root, uid); the registry uses `agentCommand`.
 */
export function createAgentCommand(overrides: Partial<PlatformOptions> = {}): CliCommand {
  return {
    name: 'agent',
    summary: 'Install, remove, inspect or restart the login service (launchd agent / systemd user unit)',
    usage: USAGE,
    async run(args, env) {
      const { values, positionals } = parseArgs({
        args,
        options: { json: { type: 'boolean', default: false }, turbo: { type: 'boolean' }, background: { type: 'boolean' } },
        allowPositionals: true,
      });
      const [sub, ...extra] = positionals;
      if (!sub || extra.length > 0) throw new UsageError(sub ? `unexpected argument ${extra[0]}` : 'missing subcommand');
      if (values.turbo && values.background) throw new UsageError('--turbo and --background exclude each other');
      const asked: AgentMode | undefined = values.turbo ? 'turbo' : values.background ? 'background' : undefined;
      const platform = platformFor(env, overrides, turboFromConfig(env, sub === 'install'));
      const out = env.io.stdout;
      try {
        switch (sub) {
          case 'plist':
            out.write(renderPlist(platform.agentSpec(asked)));
            return 0;
          case 'unit':
            out.write(renderUnit(platform.agentSpec(asked)));
            return 0;
          case 'install': {
            const r = await platform.agent.install(asked ? { mode: asked } : {});
            if (values.json) printJson(env.io, r);
            else {
              out.write(r.changed ? `Installed the ${platform.agent.manager} service (${r.mode} mode): ${r.definitionPath}\n` : `Already installed and running; nothing changed (${r.definitionPath}).\n`);
              if (platform.name === 'darwin') {
                out.write(`If a library is in a protected place (Desktop, Documents, an external drive), grant Full Disk Access to ${platform.permissions.binaryPath()} — rawlight doctor tells whether it is needed.\n`);
              }
            }
            return 0;
          }
          case 'uninstall': {
            const r = await platform.agent.uninstall();
            if (values.json) printJson(env.io, r);
            else out.write(r.removed ? 'Removed the service; the daemon no longer starts at login.\n' : 'No service was installed.\n');
            return 0;
          }
          case 'status': {
            const s = await platform.agent.status();
            if (values.json) printJson(env.io, { ...s, binaryPath: platform.permissions.binaryPath() });
            else out.write(`${s.manager}: ${s.detail}${s.definitionPath ? `\n${s.definitionPath}` : ''}\n`);
            return s.manager === 'none' ? EXIT_AGENT_UNAVAILABLE : 0;
          }
          case 'restart':
            await platform.agent.restart();
            if (!values.json) out.write('Restarted.\n');
            return 0;
          default:
            throw new UsageError(`unknown subcommand "${sub}"`);
        }
      } catch (e) {
        if (isDaemonError(e) && e.code === 'AGENT_UNAVAILABLE') {
          env.io.stderr.write(`rawlight agent ${sub}: ${e.message}\n`);
          return EXIT_AGENT_UNAVAILABLE;
        }
        throw e;
      }
    },
  };
}

export const agentCommand: CliCommand = createAgentCommand();

/** For the lead's doctor (`doctorProviders.push(platformDoctorProvider)`): agent, permissions, watch limits, disk, logs. */
export async function platformDoctorProvider(env: CliEnv): Promise<{ name: string; ok: boolean; detail: string; fix?: string }[]> {
  let libraries: readonly string[] = [];
  let turbo = true;
  try {
    const cfg = loadConfig(env.places, { env: env.env });
    libraries = cfg.libraries;
    turbo = cfg.agent.turbo;
  } catch {
    // the spine's config check reports it
  }
  const platform = platformFor(env, {}, turbo);
  return platformChecks(platform, { places: env.places, libraries });
}
