import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createLogger } from '../../../src/log/index.js';
import { tempDir } from '../../helpers/fixtures.js';

test('a log file that cannot be written is said once on stderr and never crashes the process', async () => {
  const t = tempDir('rawlight-log-');
  // The file the rotating target opens first is a folder: its open fails (EISDIR) every time.
  mkdirSync(path.join(t.dir, 'rawlight.1.log'), { recursive: true });
  const said: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  const told = new Promise<void>((resolve) => {
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const s = String(chunk);
      if (s.startsWith('rawlight: the log file cannot be written')) {
        said.push(s);
        resolve();
        return true;
      }
      return write(chunk, ...(rest as []));
    }) as typeof process.stderr.write;
  });
  try {
    const log = await createLogger({ logsDir: t.dir });
    log.info('one');
    log.warn('two');
    await told;
    log.info('three: the logger still takes lines');
    assert.equal(said.length, 1);
    assert.match(said[0]!, /EISDIR|directory/);
  } finally {
    process.stderr.write = write;
    t.cleanup();
  }
});
