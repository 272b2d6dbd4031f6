import path from 'node:path';

/** A mounted filesystem: where it is mounted, its type, and what it mounts (`//nas/Photos`). */
export interface Mount {
  target: string;
  fsType: string;
  source: string;
}

/** fstab and mounts escape spaces and friends as octal (\040). */
export const unescapeMount = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Linux' /proc/self/mounts and /etc/fstab: `source target fstype options …`; swap and `none` targets left out. */
export function parseProcMounts(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('#')) continue;
    const [source, target, fsType] = line.trim().split(/\s+/);
    if (source && target?.startsWith('/') && fsType) out.push({ source: unescapeMount(source), target: unescapeMount(target), fsType });
  }
  return out;
}

/** macOS' `mount` output: `//alice@nas.local/Photos on /Volumes/Photos (smbfs, nodev, nosuid, mounted by alice)`. */
export function parseDarwinMount(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const m = /^(.+?) on (\/.*) \(([^,)]+)[^)]*\)$/.exec(line.trim());
    if (m) out.push({ source: m[1]!, target: m[2]!, fsType: m[3]!.trim() });
  }
  return out;
}

/** The mount a path lives on: the longest mount target that holds it. */
export function mountOf(p: string, mounts: readonly Mount[]): Mount | null {
  const abs = path.resolve(p);
  let best: Mount | null = null;
  for (const m of mounts) {
    const under = m.target === '/' || abs === m.target || abs.startsWith(`${m.target}/`);
    if (under && (!best || m.target.length >= best.target.length)) best = m;
  }
  return best;
}
