import type { AgentSpec } from '../agent.js';

/** Escapes `%` (unit specifiers) in any unit value. */
const spec = (s: string) => s.replace(/%/g, '%%');

/** One ExecStart word: quoted when needed; `$` doubled so systemd does no variable expansion. */
export function execArg(s: string): string {
  const v = spec(s).replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(v) || v === '' ? `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : v;
}

function envAssignment(k: string, v: string): string {
  return `"${spec(`${k}=${v}`).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The systemd user unit (~/.config/systemd/user/rawlight.service). Background mode is the Linux
 * twin of launchd's Background class: nice 10, idle I/O class, batch CPU scheduling. KillMode=mixed
 * sends SIGTERM to the daemon only, so it can close ExifTool itself before the timeout.
 */
export function renderUnit(s: AgentSpec): string {
  const lines = [
    `# rawlight's systemd user unit. Written by \`rawlight agent install\`; edits here are overwritten. Mode: ${s.mode}.`,
    '[Unit]',
    'Description=rawlight photo-intelligence daemon',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[s.nodePath, s.cliPath, ...s.args].map(execArg).join(' ')}`,
    `WorkingDirectory=${spec(s.workingDirectory)}`,
    ...Object.entries(s.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `Environment=${envAssignment(k, v)}`),
    'Restart=on-failure',
    `RestartSec=${s.throttleInterval}`,
    'KillMode=mixed',
    `TimeoutStopSec=${s.exitTimeout}`,
    `LimitNOFILE=${s.numberOfFiles}`,
    ...(s.mode === 'background' ? ['Nice=10', 'IOSchedulingClass=idle', 'CPUSchedulingPolicy=batch'] : []),
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ];
  return lines.join('\n');
}

export function unitMode(text: string): 'turbo' | 'background' | null {
  const m = /Mode: (turbo|background)\./.exec(text);
  return m ? (m[1] as 'turbo' | 'background') : null;
}
