import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountTargets } from '../../../src/platform/library-state.js';
import { mountOf, parseDarwinMount, parseProcMounts } from '../../../src/platform/mount-table.js';
import { networkVolumeOf } from '../../../src/platform/network-volume.js';
import type { CommandRunner } from '../../../src/platform/runner.js';

// As macOS 14 prints them: the system volumes, a Synology share over SMB, an exFAT drive whose
// name has a space, an NFS export.
const DARWIN_MOUNT = `/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
devfs on /dev (devfs, local, nobrowse)
/dev/disk3s6 on /System/Volumes/VM (apfs, local, noexec, journaled, noatime, nobrowse)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect, root data)
map auto_home on /System/Volumes/Data/home (autofs, automounted, nobrowse)
//alice@DiskStation._smb._tcp.local/photo on /Volumes/photo (smbfs, nodev, nosuid, mounted by alice)
/dev/disk4s2 on /Volumes/My Passport (exfat, local, nodev, nosuid, noowners, noatime, fskit, mounted by alice)
nas.local:/volume1/archive on /Volumes/archive (nfs, nodev, nosuid, mounted by alice)
`;

// As Linux shows them: root, a CIFS share whose folder has a space (\\040), NFS, sshfs, a USB disk.
const PROC_MOUNTS = `/dev/nvme0n1p2 / ext4 rw,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
//nas/photo /mnt/nas\\040photos cifs rw,relatime,vers=3.1.1,cache=strict,username=alice 0 0
nas:/volume1/archive /mnt/archive nfs4 rw,relatime,vers=4.2 0 0
alice@host:/srv/pics /home/alice/remote fuse.sshfs rw,nosuid,nodev,relatime,user_id=1000 0 0
/dev/sdb1 /media/alice/CARD vfat rw,nosuid,nodev,relatime 0 0
`;

test('the mount tables of macOS and Linux read as mounts, names with spaces whole', () => {
  const mac = parseDarwinMount(DARWIN_MOUNT);
  assert.equal(mac.length, 8);
  assert.deepEqual(mac.find((m) => m.target === '/Volumes/My Passport'), { source: '/dev/disk4s2', target: '/Volumes/My Passport', fsType: 'exfat' });
  assert.deepEqual(mountOf('/Volumes/photo/2024/IMG_1.CR3', mac), { source: '//alice@DiskStation._smb._tcp.local/photo', target: '/Volumes/photo', fsType: 'smbfs' });
  assert.equal(mountOf('/Users/alice/Pictures', mac)?.target, '/', 'the boot volume holds what no other mount does');
  assert.equal(mountOf('/Volumes/photos-local', mac)?.target, '/', 'a sibling name is not under /Volumes/photo');
  const linux = parseProcMounts(PROC_MOUNTS);
  assert.equal(mountOf('/mnt/nas photos/2024', linux)?.fsType, 'cifs');
  assert.equal(mountOf('/media/alice/CARD/DCIM', linux)?.fsType, 'vfat');
  // The fstab reading of library-state goes through the same parser: comments and swap left out.
  assert.deepEqual(mountTargets('# /etc/fstab: static file system information\nUUID=1 / ext4 defaults 0 1\nUUID=2 none swap sw 0 0\n/dev/sdb1 /mnt/My\\040Drive ext4 noauto 0 0\n'), ['/', '/mnt/My Drive']);
});

test('networkVolumeOf: a share over SMB, AFP, NFS or sshfs is a file server; a local or USB disk is not', async () => {
  const asked: string[][] = [];
  const runner: CommandRunner = async (cmd, args) => (asked.push([cmd, ...args]), { code: 0, stdout: DARWIN_MOUNT, stderr: '' });
  const mac = (root: string) => networkVolumeOf(root, { platform: 'darwin', runner });
  assert.deepEqual(await mac('/Volumes/photo/Lightroom'), { fsType: 'smbfs', source: '//alice@DiskStation._smb._tcp.local/photo', mountedAt: '/Volumes/photo' });
  assert.equal((await mac('/Volumes/archive'))?.fsType, 'nfs');
  assert.equal(await mac('/Volumes/My Passport/Photos'), null);
  assert.equal(await mac('/Users/alice/Pictures'), null);
  assert.deepEqual(asked[0], ['/sbin/mount'], 'macOS asks mount(8), which prints each volume\'s type name');
  const failing: CommandRunner = async () => ({ code: 1, stdout: '', stderr: 'mount: boom' });
  assert.equal(await networkVolumeOf('/Volumes/photo', { platform: 'darwin', runner: failing }), null, 'an unreadable table assumes nothing');

  const linux = (root: string) => networkVolumeOf(root, { platform: 'linux', readText: (f) => (assert.equal(f, '/proc/self/mounts'), PROC_MOUNTS) });
  assert.equal((await linux('/mnt/nas photos/2024'))?.fsType, 'cifs');
  assert.equal((await linux('/mnt/archive'))?.fsType, 'nfs4');
  assert.equal((await linux('/home/alice/remote/pics'))?.fsType, 'fuse.sshfs');
  assert.equal(await linux('/media/alice/CARD'), null);
  assert.equal(await linux('/home/alice/Pictures'), null);
});
