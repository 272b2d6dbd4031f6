// `npm run bench [name...]`: runs each benchmark in its own process (clean memory figures) and
// prints their figures one after another. Names: index, faces, places, search, people, api, tags.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { allocatorEnv } from '../src/platform/allocator-env.js';

const dir = import.meta.dirname;
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace('.bench.ts', ''));
const order = ['index', ...all.filter((n) => n !== 'index').sort()];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : order.filter((n) => all.includes(n));
let failed = 0;
for (const name of wanted) {
  const file = path.join(dir, `${name}.bench.ts`);
  if (!existsSync(file)) {
    console.error(`no benchmark named ${name} (have: ${all.join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== bench: ${name} ===`);
  // With the C allocator settings the daemon is launched with (bin/rawlight, the systemd unit):
  // glibc reads them once, at the process's first allocation, so they are set here.
  const env = { ...process.env, ...allocatorEnv(process.platform, process.env) };
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit', env });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
