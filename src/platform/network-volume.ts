import { readFileSync } from 'node:fs';
import { mountOf, parseDarwinMount, parseProcMounts, type Mount } from './mount-table.js';
import { createRunner, type CommandRunner } from './runner.js';

/** A library root on a file server (SMB, AFP, NFS, WebDAV, sshfs …). */
export interface NetworkVolume {
  fsType: string;
  source: string;
  mountedAt: string;
}

/**
 * File systems served by another machine. Their change events, where there are any, only report
 * what this computer did (FSEvents on an SMB share; inotify on CIFS or NFS): a photo another Mac
 * or the NAS itself adds is never reported.
 */
const NETWORK_FS = new Set(['smbfs', 'afpfs', 'nfs', 'nfs4', 'webdav', 'cifs', 'smb3', 'smb2', 'ncpfs', 'afs', '9p', 'ceph', 'glusterfs', 'davfs', 'fuse.sshfs', 'fuse.rclone', 'fuse.s3fs', 'fuse.gvfsd-fuse', 'ftp']);

export interface NetworkVolumeOptions {
  platform?: NodeJS.Platform;
  runner?: CommandRunner;
  readText?: (file: string) => string;
}

/**
 * The file server each of `roots` is on, or null for one on a local disk (all null when the mount
 * table cannot be read: nothing is assumed). The table is read once for them all. macOS:
 * `/sbin/mount` (statfs' type name, which Node does not expose); Linux: /proc/self/mounts.
 */
export async function networkVolumesOf(roots: readonly string[], opts: NetworkVolumeOptions = {}): Promise<(NetworkVolume | null)[]> {
  let mounts: Mount[] = [];
  if ((opts.platform ?? process.platform) === 'darwin') {
    const r = await (opts.runner ?? createRunner())('/sbin/mount', []);
    if (r.code === 0) mounts = parseDarwinMount(r.stdout);
  } else {
    try {
      mounts = parseProcMounts((opts.readText ?? ((f) => readFileSync(f, 'utf8')))('/proc/self/mounts'));
    } catch {
      // unreadable: every root local
    }
  }
  return roots.map((root) => {
    const m = mountOf(root, mounts);
    return m && NETWORK_FS.has(m.fsType) ? { fsType: m.fsType, source: m.source, mountedAt: m.target } : null;
  });
}

/** The file server one root is on (networkVolumesOf for one). */
export async function networkVolumeOf(root: string, opts: NetworkVolumeOptions = {}): Promise<NetworkVolume | null> {
  return (await networkVolumesOf([root], opts))[0]!;
}
