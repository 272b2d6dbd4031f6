/**
 * A small XML well-formedness check for sidecars. ExifTool's XMP parser is lenient (a truncated
 * packet reads as "no tags"), so before writing into an existing sidecar rawlight checks it
 * itself: a sidecar it cannot parse strictly is left untouched.
 * Returns null when well-formed, else a short reason with the offset.
 */
const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.\u00B7-\uFFFF]*/;
const ENTITY = /^&(?:[A-Za-z_][-A-Za-z0-9_.]*|#[0-9]+|#x[0-9A-Fa-f]+);/;

export function xmlWellFormedError(input: string): string | null {
  const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  const n = s.length;
  const fail = (why: string) => `${why} at offset ${i}`;

  const checkText = (text: string, at: number): string | null => {
    for (let k = text.indexOf('&'); k !== -1; k = text.indexOf('&', k + 1)) {
      if (!ENTITY.test(text.slice(k, k + 40))) return `bad entity reference at offset ${at + k}`;
    }
    if (stack.length === 0 && text.trim() !== '') return `text outside the root element at offset ${at}`;
    return null;
  };

  while (i < n) {
    const lt = s.indexOf('<', i);
    const text = s.slice(i, lt === -1 ? n : lt);
    const bad = checkText(text, i);
    if (bad) return bad;
    if (lt === -1) break;
    i = lt;
    if (s.startsWith('<?', i)) {
      const end = s.indexOf('?>', i + 2);
      if (end === -1) return fail('unterminated processing instruction');
      i = end + 2;
    } else if (s.startsWith('<!--', i)) {
      const end = s.indexOf('-->', i + 4);
      if (end === -1) return fail('unterminated comment');
      i = end + 3;
    } else if (s.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) return fail('CDATA outside the root element');
      const end = s.indexOf(']]>', i + 9);
      if (end === -1) return fail('unterminated CDATA');
      i = end + 3;
    } else if (s.startsWith('<!', i)) {
      if (roots > 0 || stack.length > 0) return fail('declaration inside the document');
      const end = s.indexOf('>', i + 2);
      if (end === -1) return fail('unterminated declaration');
      i = end + 1;
    } else if (s.startsWith('</', i)) {
      const m = NAME.exec(s.slice(i + 2, i + 2 + 256));
      if (!m) return fail('bad closing tag');
      const name = m[0];
      let j = i + 2 + name.length;
      while (j < n && /\s/.test(s[j]!)) j++;
      if (s[j] !== '>') return fail(`bad closing tag </${name}`);
      const open = stack.pop();
      if (open !== name) return fail(open === undefined ? `unexpected </${name}>` : `</${name}> closes <${open}>`);
      i = j + 1;
    } else {
      const m = NAME.exec(s.slice(i + 1, i + 1 + 256));
      if (!m) return fail('bad tag');
      const name = m[0];
      let j = i + 1 + name.length;
      const seen = new Set<string>();
      for (;;) {
        const ws = j;
        while (j < n && /\s/.test(s[j]!)) j++;
        if (j >= n) return fail(`unterminated tag <${name}`);
        if (s[j] === '>' || s.startsWith('/>', j)) break;
        if (j === ws) return fail(`missing space between attributes in <${name}`);
        const am = NAME.exec(s.slice(j, j + 256));
        if (!am) return fail(`bad attribute in <${name}`);
        if (seen.has(am[0])) return fail(`duplicate attribute ${am[0]} in <${name}`);
        seen.add(am[0]);
        j += am[0].length;
        while (j < n && /\s/.test(s[j]!)) j++;
        if (s[j] !== '=') return fail(`attribute ${am[0]} has no value`);
        j++;
        while (j < n && /\s/.test(s[j]!)) j++;
        const q = s[j];
        if (q !== '"' && q !== "'") return fail(`unquoted attribute ${am[0]}`);
        const close = s.indexOf(q, j + 1);
        if (close === -1) return fail(`unterminated attribute ${am[0]}`);
        const value = s.slice(j + 1, close);
        if (value.includes('<')) return fail(`'<' in attribute ${am[0]}`);
        const badEnt = checkText(value, j + 1);
        if (badEnt && badEnt.startsWith('bad entity')) return badEnt;
        j = close + 1;
      }
      if (stack.length === 0) {
        roots++;
        if (roots > 1) return fail('more than one root element');
      }
      if (s.startsWith('/>', j)) {
        i = j + 2;
      } else {
        stack.push(name);
        i = j + 1;
      }
    }
  }
  if (stack.length) return `unclosed <${stack[stack.length - 1]}> at end of input`;
  if (roots === 0) return 'no root element';
  return null;
}

/**
 * An XML file's text in the encoding it is written in, detected as the XML spec's appendix F says
 * (a byte-order mark, else the bytes of "<?" or "<x"): UTF-8, UTF-16 or UTF-32, either byte order.
 * Lightroom 4 and Photoshop wrote sidecars in UTF-16 (the XMP spec allows all three); read as UTF-8
 * they are NUL-riddled bytes, not XML. Returns null for bytes that are no text in that encoding.
 */
export function decodeXml(bytes: Uint8Array): string | null {
  const b = (i: number) => bytes[i] ?? -1;
  const utf32 = (little: boolean, from: number) => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const parts: string[] = [];
    try {
      // In pieces: a large packet's code points would overflow one call's arguments.
      for (let i = from; i + 4 <= bytes.length; i += 4 * 4096) {
        const points: number[] = [];
        for (let j = i; j + 4 <= Math.min(bytes.length, i + 4 * 4096); j += 4) points.push(view.getUint32(j, little));
        parts.push(String.fromCodePoint(...points));
      }
    } catch {
      return null; // a value past U+10FFFF
    }
    return parts.join('');
  };
  if (b(0) === 0x00 && b(1) === 0x00 && b(2) === 0xfe && b(3) === 0xff) return utf32(false, 4);
  if (b(0) === 0xff && b(1) === 0xfe && b(2) === 0x00 && b(3) === 0x00) return utf32(true, 4);
  if (b(0) === 0x00 && b(1) === 0x00 && b(2) === 0x00 && b(3) === 0x3c) return utf32(false, 0);
  if (b(0) === 0x3c && b(1) === 0x00 && b(2) === 0x00 && b(3) === 0x00) return utf32(true, 0);
  const utf16 = (label: 'utf-16le' | 'utf-16be', from: number) => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes.subarray(from));
    } catch {
      return null;
    }
  };
  if (b(0) === 0xff && b(1) === 0xfe) return utf16('utf-16le', 2);
  if (b(0) === 0xfe && b(1) === 0xff) return utf16('utf-16be', 2);
  if (b(0) === 0x3c && b(1) === 0x00) return utf16('utf-16le', 0);
  if (b(0) === 0x00 && b(1) === 0x3c) return utf16('utf-16be', 0);
  const bom = b(0) === 0xef && b(1) === 0xbb && b(2) === 0xbf ? 3 : 0;
  return Buffer.from(bytes.buffer, bytes.byteOffset + bom, bytes.byteLength - bom).toString('utf8');
}
