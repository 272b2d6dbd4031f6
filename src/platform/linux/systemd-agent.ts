import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { DaemonError } from '../../errors/index.js';
import {
  SYSTEMD_UNIT,
  assertBuilt,
  commandFailed,
  markSettled,
  readIfExists,
  writeAtomic,
  type Agent,
  type AgentMode,
  type AgentStatus,
  type ServiceAgentDeps,
  type SettleResult,
} from '../agent.js';
import { renderUnit, unitMode } from './systemd-unit.js';

export interface SystemdAgentDeps extends ServiceAgentDeps {
  env: NodeJS.ProcessEnv;
}

/** States in which `systemctl --user is-system-running` means a user manager answers. */
const LIVE_STATES = new Set(['running', 'degraded', 'starting', 'initializing', 'maintenance']);

export const NO_SYSTEMD_HELP =
  'No user systemd is running here, so rawlight cannot install itself as a service. Start the daemon yourself with `rawlight run` ' +
  '(e.g. from your session\'s autostart, or `nohup rawlight run >/dev/null 2>&1 &`).';

/** A systemd user unit, managed with `systemctl --user`. */
export function createSystemdAgent(deps: SystemdAgentDeps): Agent {
  const { runner } = deps;
  const configHome = deps.env.XDG_CONFIG_HOME && path.isAbsolute(deps.env.XDG_CONFIG_HOME) ? deps.env.XDG_CONFIG_HOME : path.join(deps.homedir, '.config');
  const unitPath = path.join(configHome, 'systemd', 'user', SYSTEMD_UNIT);
  const render = (mode: AgentMode = deps.defaultMode()) => renderUnit(deps.specFor(mode));
  const systemctl = (...args: string[]) => runner('systemctl', ['--user', ...args]);
  let settled = false;

  async function available(): Promise<boolean> {
    const r = await systemctl('is-system-running');
    if (r.code === 127) return false;
    if (LIVE_STATES.has(r.stdout.trim())) return true;
    const rt = deps.env.XDG_RUNTIME_DIR;
    return !!rt && existsSync(path.join(rt, 'systemd'));
  }

  async function requireAvailable(): Promise<void> {
    if (!(await available())) {
      throw new DaemonError('AGENT_UNAVAILABLE', 'no user systemd is running here (e.g. start it from your session autostart: nohup rawlight run >/dev/null 2>&1 &)');
    }
  }

  async function show(): Promise<Record<string, string>> {
    const r = await systemctl('show', SYSTEMD_UNIT, '--property=LoadState,ActiveState,SubState,MainPID,ExecMainStatus,UnitFileState');
    const out: Record<string, string> = {};
    for (const line of r.stdout.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
    }
    return out;
  }

  async function must(what: string, ...args: string[]): Promise<void> {
    const r = await systemctl(...args);
    if (r.code !== 0) throw commandFailed(`systemctl --user ${what}`, r);
  }

  return {
    manager: 'systemd',
    available,
    definitionPath: () => unitPath,
    render,

    async install(opts = {}) {
      const mode = opts.mode ?? deps.defaultMode();
      const spec = deps.specFor(mode);
      // Unavailable first: install.sh reads that exit code (69) as "no service manager, skip".
      await requireAvailable();
      assertBuilt(spec);
      const text = renderUnit(spec);
      const fileChanged = readIfExists(unitPath) !== text;
      const before = await show();
      const wasActive = before.ActiveState === 'active';
      if (fileChanged) {
        mkdirSync(spec.logsDir, { recursive: true });
        mkdirSync(spec.workingDirectory, { recursive: true });
        writeAtomic(unitPath, text);
        await must('daemon-reload', 'daemon-reload');
      }
      await must(`enable --now ${SYSTEMD_UNIT}`, 'enable', '--now', SYSTEMD_UNIT);
      // enable --now leaves a running service on its old definition: restart to apply the new one.
      if (fileChanged && wasActive) await must(`restart ${SYSTEMD_UNIT}`, 'restart', SYSTEMD_UNIT);
      return { changed: fileChanged || !wasActive, definitionPath: unitPath, mode };
    },

    async uninstall() {
      const existed = existsSync(unitPath);
      if (!(await available())) {
        rmSync(unitPath, { force: true });
        return { removed: existed };
      }
      const st = await show();
      const known = st.LoadState === 'loaded';
      if (known) await must(`disable --now ${SYSTEMD_UNIT}`, 'disable', '--now', SYSTEMD_UNIT);
      rmSync(unitPath, { force: true });
      if (existed) await must('daemon-reload', 'daemon-reload');
      return { removed: existed || known };
    },

    async status(): Promise<AgentStatus> {
      const text = readIfExists(unitPath);
      const mode = text ? unitMode(text) : null;
      const upToDate = text !== null && mode !== null && text === render(mode);
      if (!(await available())) {
        return {
          manager: 'none',
          installed: text !== null,
          loaded: false,
          running: false,
          pid: null,
          lastExitCode: null,
          definitionPath: unitPath,
          upToDate,
          mode,
          detail: NO_SYSTEMD_HELP,
        };
      }
      const st = await show();
      const loaded = st.LoadState === 'loaded';
      const running = st.ActiveState === 'active';
      const pid = Number(st.MainPID ?? 0) || null;
      const exit = st.ExecMainStatus !== undefined && st.ExecMainStatus !== '' ? Number(st.ExecMainStatus) : null;
      return {
        manager: 'systemd',
        installed: text !== null,
        loaded,
        running,
        pid: running ? pid : null,
        lastExitCode: exit,
        definitionPath: unitPath,
        upToDate,
        mode,
        detail: !text
          ? 'not installed (rawlight agent install)'
          : running
            ? `running (pid ${pid}), ${mode} mode${upToDate ? '' : '; the unit is outdated (rawlight agent install)'}`
            : `${st.ActiveState ?? 'unknown'} (${st.SubState ?? '?'})${exit ? `, last exit code ${exit}` : ''}`,
      };
    },

    async restart() {
      await requireAvailable();
      await must(`restart ${SYSTEMD_UNIT}`, 'restart', SYSTEMD_UNIT);
    },

    async settle(): Promise<SettleResult> {
      if (settled) return { changed: false, reason: 'already settled' };
      settled = true;
      markSettled(deps.places);
      const existing = readIfExists(unitPath);
      if (existing === null) return { changed: false, reason: 'agent not installed' };
      if (existing === render('background')) return { changed: false, reason: 'already in background mode' };
      if (existing !== render('turbo')) return { changed: false, reason: 'installed unit differs; left alone' };
      writeAtomic(unitPath, render('background'));
      // daemon-reload re-reads unit files without restarting running services.
      await systemctl('daemon-reload');
      if (deps.isAgentProcess) await deps.demote();
      return { changed: true, reason: 'switched to background mode (applies in place now, and from the next start)' };
    },
  };
}
