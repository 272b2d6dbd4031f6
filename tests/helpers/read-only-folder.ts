import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';

/**
 * A folder files cannot be created in, made for real: for root (CI), a tmpfs mounted read-only
 * (EROFS, what an NTFS drive on a Mac or a locked card gives, root included); for any other user,
 * a folder without write permission (EACCES). `fill` puts the photos in while it can still be
 * written. Fails loudly where neither can be made (root without the right to mount).
 */
export function readOnlyFolder(dir: string, fill: () => void): { kind: 'EROFS' | 'EACCES'; writable(): void; dispose(): void } {
  mkdirSync(dir, { recursive: true });
  if (process.getuid?.() !== 0) {
    fill();
    chmodSync(dir, 0o555);
    return { kind: 'EACCES', writable: () => chmodSync(dir, 0o755), dispose: () => chmodSync(dir, 0o755) };
  }
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m,mode=0755', 'rawlight-test', dir], { stdio: 'pipe' });
  } catch (e) {
    throw new Error(`a read-only folder for this test needs a non-root user, or root allowed to mount a tmpfs: ${(e as Error).message}`, { cause: e });
  }
  fill();
  execFileSync('mount', ['-o', 'remount,ro', dir]);
  return {
    kind: 'EROFS',
    writable: () => execFileSync('mount', ['-o', 'remount,rw', dir]),
    dispose: () => execFileSync('umount', ['-l', dir]),
  };
}
