/**
 * Control characters in what the CLI prints, made visible on a terminal. File names come from
 * anywhere (a card, a download, an archive) and may hold any byte but "/" and NUL: a name with an
 * escape sequence in it ("\x1b]0;…\x07", "\x1b[2J") would otherwise retitle, clear or reprogram the
 * user's terminal when `status`, `search` or `show` prints it, as `ls` guards against too. Only a
 * terminal is guarded: a pipe or a file gets the bytes as they are (scripts read --json, where
 * JSON escapes them anyway). Newline, tab and carriage return (the progress line) pass.
 */
// C0 controls but \t \n \r, DEL, and the C1 controls (U+0080-U+009F: U+009B is a CSI to some terminals).
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** "\x1b[2J" → "\\x1b[2J": each control character as its escape. */
export function visibleControls(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Makes every string later written to `stream` show its control characters, when it is a terminal. */
export function guardTerminal(stream: NodeJS.WriteStream | (NodeJS.WritableStream & { isTTY?: boolean })): void {
  if (!stream.isTTY) return;
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => write(typeof chunk === 'string' ? visibleControls(chunk) : chunk, ...rest)) as typeof stream.write;
}
