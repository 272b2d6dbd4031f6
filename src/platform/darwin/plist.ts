import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AgentSpec } from '../agent.js';

export const PLIST_TEMPLATE = 'com.rawlight.agent.plist.template';

/** The template's folder (top-level launchd/), found from this module in src/ or dist/. */
export function defaultTemplatePath(): string {
  return path.resolve(import.meta.dirname, '..', '..', '..', 'launchd', PLIST_TEMPLATE);
}

export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const str = (indent: string, v: string) => `${indent}<string>${xmlEscape(v)}</string>`;

/**
 * Fills the launchd/ template. Steady state is ProcessType Background + LowPriorityIO (launchd
 * throttles CPU and I/O so the Mac stays responsive); turbo is Standard without low-priority I/O,
 * for the first big import, where Background can slow indexing several-fold.
 */
export function renderPlist(spec: AgentSpec, template = readFileSync(defaultTemplatePath(), 'utf8')): string {
  const background = spec.mode === 'background';
  const values: Record<string, string> = {
    LABEL: xmlEscape(spec.label),
    MODE: spec.mode,
    PROGRAM_ARGUMENTS: [spec.nodePath, spec.cliPath, ...spec.args].map((a) => str('\t\t', a)).join('\n'),
    WORKING_DIRECTORY: xmlEscape(spec.workingDirectory),
    THROTTLE_INTERVAL: String(spec.throttleInterval),
    EXIT_TIMEOUT: String(spec.exitTimeout),
    PROCESS_TYPE: background ? 'Background' : 'Standard',
    LOW_PRIORITY_IO: background ? '<true/>' : '<false/>',
    NUMBER_OF_FILES: String(spec.numberOfFiles),
    STDOUT_PATH: xmlEscape(path.join(spec.logsDir, 'agent.out.log')),
    STDERR_PATH: xmlEscape(path.join(spec.logsDir, 'agent.err.log')),
    ENVIRONMENT: Object.entries(spec.env)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `\t\t<key>${xmlEscape(k)}</key>\n${str('\t\t', v)}`)
      .join('\n'),
  };
  const out = template.replace(/\{\{([A-Z_]+)\}\}/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`plist template: unknown placeholder ${m}`);
    return v;
  });
  return out;
}

/** Reads the mode back from an installed plist's text (null when it is not ours or unreadable). */
export function plistMode(text: string): 'turbo' | 'background' | null {
  const m = /<key>ProcessType<\/key>\s*<string>([^<]*)<\/string>/.exec(text);
  if (!m) return null;
  return m[1] === 'Background' ? 'background' : 'turbo';
}
