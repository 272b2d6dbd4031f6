import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { guardTerminal, visibleControls } from '../../../src/cli/terminal-safe.js';

/** A file name that would retitle and clear the terminal it is printed on. */
const HOSTILE = '/photos/\u001b]0;pwned\u0007\u001b[2J\u009b31m.jpg';

test('control characters are shown as escapes; newline, tab, carriage return and non-ASCII names pass', () => {
  assert.equal(visibleControls(HOSTILE), '/photos/\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m.jpg');
  assert.equal(visibleControls('a\tb\r[###..] 3/9\nCafé 東京 😀.jpg'), 'a\tb\r[###..] 3/9\nCafé 東京 😀.jpg');
  assert.equal(visibleControls('\u0000\u007f'), '\\x00\\x7f');
});

function capture(isTTY: boolean): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean };
  stream.isTTY = isTTY;
  let out = '';
  stream.setEncoding('utf8').on('data', (d: string) => (out += d));
  return { stream, text: () => out };
}

test('a terminal gets the escapes; a pipe gets the bytes as they are', async () => {
  const tty = capture(true);
  guardTerminal(tty.stream);
  tty.stream.write(`1.000  ${HOSTILE}  (tag dog)\n`);
  const pipe = capture(false);
  guardTerminal(pipe.stream);
  pipe.stream.write(`${HOSTILE}\n`);
  await new Promise((r) => setImmediate(r));
  assert.equal(tty.text(), '1.000  /photos/\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m.jpg  (tag dog)\n');
  assert.equal(pipe.text(), `${HOSTILE}\n`);
});
