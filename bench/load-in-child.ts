/**
 * HTTP load from another process, as a user's page is: autocannon's own CLI in a child process,
 * so the load generator's work (parsing, timers) never shares the measured server's event loop.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface ChildLoadResult {
  latency: { p50: number; p99: number; max: number; average: number };
  requests: { total: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

export function loadInChild(o: { url: string; headers: Record<string, string>; connections: number; seconds: number }): Promise<ChildLoadResult> {
  const args = [cli, '--json', '--connections', String(o.connections), '--duration', String(o.seconds), '--pipelining', '1'];
  for (const [k, v] of Object.entries(o.headers)) args.push('--headers', `${k}=${v}`);
  args.push(o.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}: ${err.slice(-500)}`));
      try {
        resolve(JSON.parse(out) as ChildLoadResult);
      } catch {
        reject(new Error(`autocannon printed no JSON: ${out.slice(0, 300)} ${err.slice(-300)}`));
      }
    });
  });
}
