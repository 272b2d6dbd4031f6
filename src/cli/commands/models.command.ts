import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/index.js';
import { isDaemonError } from '../../errors/index.js';
import { MODEL_ROLES } from '../../ml/manifest.js';
import { createModelRegistry, type RoleReport, type VerifyResult } from '../../ml/registry.js';
import { ModelSessions } from '../../ml/session.js';
import { printJson, UsageError, type CliCommand, type CliIO } from '../command.js';

interface RoleJson {
  role: string;
  state: RoleReport['state'];
  model: string | null;
  name: string | null;
  files: string[];
  licence: { name: string; commercial: boolean; note: string } | null;
  pinned: string | null;
  /** Providers tried in order; with --check, the one the session actually got. */
  provider: string | null;
  checked?: 'ok' | string;
  problem: string | null;
  howToGet: string | null;
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'Which model each role uses, licences, what is missing; `models verify` checks sha256',
  usage: 'rawlight models [--json] [--check]   |   rawlight models verify [--json]',
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, check: { type: 'boolean', default: false } },
    });
    const sub = positionals[0];
    if (sub !== undefined && sub !== 'verify') throw new UsageError(`unknown subcommand "${sub}"`);
    const cfg = loadConfig(env.places, { env: env.env });
    const registry = createModelRegistry(cfg, env.places);
    if (sub === 'verify') {
      const results = (await registry.verify()).filter((r) => r.state !== 'missing');
      if (values.json) printJson(env.io, { modelsDir: registry.modelsDir, files: results });
      else printVerify(env.io, registry.modelsDir, results);
      return results.some((r) => r.state === 'size-mismatch' || r.state === 'hash-mismatch') ? 1 : 0;
    }
    const sessions = new ModelSessions();
    try {
      const roles: RoleJson[] = [];
      for (const role of MODEL_ROLES) {
        const r = registry.report(role);
        const j: RoleJson = {
          role,
          state: r.state,
          model: r.chosen?.id ?? null,
          name: r.chosen?.entry.name ?? null,
          files: r.chosen?.files ?? [],
          licence: r.licence,
          pinned: r.pinned,
          provider: r.chosen ? sessions.providers().join(' > ') : null,
          problem: r.problem,
          howToGet: r.howToGet,
        };
        if (values.check && r.chosen) {
          // Loads the network: proves the file is readable by onnxruntime and matches the manifest.
          try {
            const onnx = r.chosen.files.filter((f) => f.endsWith('.onnx'));
            let provider = '';
            for (const f of onnx) provider = (await sessions.get(r.chosen.entry, f, f === r.chosen.onnxPath || !r.chosen.entry.signature.text ? r.chosen.entry.signature : r.chosen.entry.signature.text)).provider;
            j.provider = provider;
            j.checked = 'ok';
          } catch (e) {
            j.checked = isDaemonError(e) ? `${e.code}: ${e.message}` : String(e);
          }
        }
        roles.push(j);
      }
      const ok = roles.every((r) => r.role === 'clip' || r.state === 'ready') && roles.every((r) => !r.checked || r.checked === 'ok');
      if (values.json) printJson(env.io, { modelsDir: registry.modelsDir, roles });
      else printRoles(env.io, registry.modelsDir, roles);
      return ok ? 0 : 1;
    } finally {
      await sessions.close();
    }
  },
};

function printRoles(io: CliIO, dir: string, roles: RoleJson[]): void {
  const lines = [`models folder: ${dir}`, ''];
  for (const r of roles) {
    if (r.model) {
      const lic = r.licence ? `${r.licence.name}${r.licence.commercial ? '' : ' (NOT for commercial use)'}` : '?';
      lines.push(`${r.role.padEnd(13)} ${r.model}${r.pinned ? ' (pinned)' : ''}  [${lic}]  provider: ${r.provider}${r.checked ? `  check: ${r.checked}` : ''}`);
    } else {
      lines.push(`${r.role.padEnd(13)} ${r.state.toUpperCase()}: ${r.problem ?? ''}`);
      if (r.howToGet) lines.push(`${''.padEnd(13)} to fix: ${r.howToGet}`);
    }
  }
  io.stdout.write(lines.join('\n') + '\n');
}

function printVerify(io: CliIO, dir: string, results: VerifyResult[]): void {
  const lines = [`models folder: ${dir}`];
  if (!results.length) lines.push('no model files installed');
  for (const r of results) lines.push(`${r.state === 'ok' ? 'ok  ' : 'BAD '} ${r.id}  ${r.path}: ${r.detail}`);
  io.stdout.write(lines.join('\n') + '\n');
}
