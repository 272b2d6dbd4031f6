import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { libraryState, libraryStatus, mountTargets } from '../../../src/platform/library-state.js';
import { tempDir } from '../../helpers/fixtures.js';

describe('library state', () => {
  test('mountTargets reads the second column and unescapes \\040', () => {
    const fstab = '# comment\nUUID=1 / ext4 defaults 0 1\nUUID=2 /media/ann/Photo\\040Drive ext4 nofail 0 2\n/swapfile none swap sw 0 0\n';
    assert.deepEqual(mountTargets(fstab), ['/', '/media/ann/Photo Drive']);
  });

  test('a readable folder is online; a missing one is offline, never "deleted"', async () => {
    const t = tempDir();
    try {
      const readText = () => '';
      assert.equal(await libraryState(t.dir, { platform: 'linux', readText }), 'online');
      const st = await libraryStatus(path.join(t.dir, 'gone'), { platform: 'linux', readText });
      assert.equal(st.state, 'offline');
      assert.match(st.reason, /not treated as deleted/);
    } finally {
      t.cleanup();
    }
  });

  test('Linux: a folder under an fstab mount point that is not mounted is offline even though it exists', async () => {
    const t = tempDir();
    try {
      const mountPoint = path.join(t.dir, 'Photo Drive');
      const root = path.join(mountPoint, 'Pictures');
      mkdirSync(root, { recursive: true }); // the empty folder a missing mount leaves behind
      const fstab = `UUID=9 ${mountPoint.replace(/ /g, '\\040')} ext4 nofail 0 2\n`;
      const unmounted = await libraryStatus(root, { platform: 'linux', readText: (f) => (f === '/etc/fstab' ? fstab : 'proc /proc proc rw 0 0\n') });
      assert.equal(unmounted.state, 'offline');
      assert.match(unmounted.reason, /is not mounted/);
      const mounted = await libraryStatus(root, { platform: 'linux', readText: (f) => (f === '/etc/fstab' ? fstab : `/dev/sdb1 ${mountPoint.replace(/ /g, '\\040')} ext4 rw 0 0\n`) });
      assert.equal(mounted.state, 'online');
    } finally {
      t.cleanup();
    }
  });

  test('macOS: a library under a /Volumes drive that is not there is offline', async () => {
    const st = await libraryStatus('/Volumes/rawlight-test-no-such-drive/Pictures', { platform: 'darwin' });
    assert.equal(st.state, 'offline');
    assert.match(st.reason, /volume "rawlight-test-no-such-drive" is not mounted/);
  });
});
