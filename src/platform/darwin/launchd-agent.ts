import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../../errors/index.js';
import {
  AGENT_LABEL,
  assertBuilt,
  commandFailed,
  markSettled,
  readIfExists,
  writeAtomic,
  type Agent,
  type AgentMode,
  type AgentStatus,
  type InstallResult,
  type ServiceAgentDeps,
  type SettleResult,
} from '../agent.js';
import type { RunResult } from '../runner.js';
import { plistMode, renderPlist } from './plist.js';

/**
 * launchd agent in the per-user GUI domain (`launchctl bootstrap gui/$UID`, the "launchctl 2"
 * commands that replace load/unload). The domain exists only while the user is logged in.
 */
export function createLaunchdAgent(deps: ServiceAgentDeps): Agent {
  const { runner, uid } = deps;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const domain = `gui/${uid}`;
  const target = `${domain}/${AGENT_LABEL}`;
  const plistPath = path.join(deps.homedir, 'Library', 'LaunchAgents', `${AGENT_LABEL}.plist`);
  const render = (mode: AgentMode = deps.defaultMode()) => renderPlist(deps.specFor(mode), deps.template);
  const launchctl = (...args: string[]) => runner('launchctl', args);
  let settled = false;

  async function printService(): Promise<RunResult> {
    return launchctl('print', target);
  }

  async function available(): Promise<boolean> {
    return (await launchctl('print', domain)).code === 0;
  }

  async function bootstrapWithRetry(): Promise<void> {
    // Right after a bootout the old instance may still be exiting; launchd then answers
    // "Bootstrap failed: 5: Input/output error" for a moment.
    let last: RunResult | undefined;
    for (let i = 0; i < 5; i++) {
      last = await launchctl('bootstrap', domain, plistPath);
      if (last.code === 0) return;
      await sleep(500 * (i + 1));
    }
    throw commandFailed(`launchctl bootstrap ${domain}`, last!);
  }

  return {
    manager: 'launchd',
    available,
    definitionPath: () => plistPath,
    render,

    async install(opts = {}): Promise<InstallResult> {
      const mode = opts.mode ?? deps.defaultMode();
      const spec = deps.specFor(mode);
      // Unavailable first: install.sh reads that exit code (69) as "no service manager, skip".
      if (!(await available())) throw new DaemonError('AGENT_UNAVAILABLE', `launchd domain ${domain} is not available (is this user logged in at the Mac?)`);
      assertBuilt(spec);
      const text = renderPlist(spec, deps.template);
      const existing = readIfExists(plistPath);
      const loaded = (await printService()).code === 0;
      if (existing === text && loaded) return { changed: false, definitionPath: plistPath, mode };
      mkdirSync(spec.logsDir, { recursive: true });
      mkdirSync(spec.workingDirectory, { recursive: true });
      // Replacing: the old definition must leave launchd before the new one is bootstrapped.
      if (loaded) await launchctl('bootout', target);
      writeAtomic(plistPath, text);
      await launchctl('enable', target); // undoes an earlier `launchctl disable`, else bootstrap fails
      await bootstrapWithRetry();
      return { changed: true, definitionPath: plistPath, mode };
    },

    async uninstall() {
      const existed = existsSync(plistPath);
      const loaded = (await printService()).code === 0;
      if (loaded) {
        const r = await launchctl('bootout', target);
        if (r.code !== 0 && (await printService()).code === 0) throw commandFailed(`launchctl bootout ${target}`, r);
      }
      rmSync(plistPath, { force: true });
      return { removed: existed || loaded };
    },

    async status(): Promise<AgentStatus> {
      const text = readIfExists(plistPath);
      const r = await printService();
      const loaded = r.code === 0;
      const state = /^\s*state = (\S+)/m.exec(r.stdout)?.[1] ?? null;
      const pid = /^\s*pid = (\d+)/m.exec(r.stdout)?.[1];
      const exit = /^\s*last exit code = (-?\d+)/m.exec(r.stdout)?.[1];
      const mode = text ? plistMode(text) : null;
      const upToDate = text !== null && mode !== null && text === render(mode);
      const running = loaded && state === 'running';
      return {
        manager: 'launchd',
        installed: text !== null,
        loaded,
        running,
        pid: running && pid ? Number(pid) : null,
        lastExitCode: exit !== undefined ? Number(exit) : null,
        definitionPath: plistPath,
        upToDate,
        mode,
        detail: !text
          ? 'not installed (rawlight agent install)'
          : !loaded
            ? 'installed but not loaded (rawlight agent install)'
            : running
              ? `running (pid ${pid}), ${mode} mode${upToDate ? '' : '; the plist is outdated (rawlight agent install)'}`
              : `loaded, ${state ?? 'not running'}${exit ? `, last exit code ${exit}` : ''}`,
      };
    },

    async restart() {
      const r = await launchctl('kickstart', '-k', target);
      if (r.code !== 0) throw commandFailed(`launchctl kickstart -k ${target}`, r);
    },

    async settle(): Promise<SettleResult> {
      if (settled) return { changed: false, reason: 'already settled' };
      settled = true;
      markSettled(deps.places);
      const existing = readIfExists(plistPath);
      if (existing === null) return { changed: false, reason: 'agent not installed' };
      const background = render('background');
      if (existing === background) return { changed: false, reason: 'already in background mode' };
      // Only the turbo twin of today's definition is switched: a plist pointing elsewhere (another
      // checkout, an older install) is the user's to replace with `rawlight agent install`.
      if (existing !== render('turbo')) return { changed: false, reason: 'installed plist differs; left alone' };
      writeAtomic(plistPath, background);
      if (deps.isAgentProcess) await deps.demote();
      return { changed: true, reason: 'switched to background mode (applies in place now, and from the next start)' };
    },
  };
}
