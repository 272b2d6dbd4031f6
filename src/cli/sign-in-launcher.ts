import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const LAUNCHER_FILE = 'open.html';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A private (0600, in the 0700 config folder) page that forwards the browser to the sign-in URL.
 * `open`/`xdg-open` get this file's path, never the URL: a command line is visible to every
 * local user (ps, /proc), and a browser started by xdg-open keeps its URL argument for its whole
 * life. Rewritten on every `rawlight open`, so it always holds the current token.
 */
export function writeSignInLauncher(dir: string, url: string): string {
  const file = path.join(dir, LAUNCHER_FILE);
  const u = escapeHtml(url);
  const html = `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${u}"><title>rawlight</title><p><a href="${u}">Open rawlight</a></p>\n`;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, html, { mode: 0o600 });
  renameSync(tmp, file);
  return file;
}
