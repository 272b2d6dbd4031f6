// Copies non-TypeScript runtime assets into dist/ after tsc (the page's static files, if any).
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
const root = path.resolve(import.meta.dirname, '..');
for (const [from, to] of [['web/static', 'dist/web']]) {
  const src = path.join(root, from);
  if (existsSync(src)) cpSync(src, path.join(root, to), { recursive: true });
}
