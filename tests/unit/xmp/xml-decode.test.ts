import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeXml, xmlWellFormedError } from '../../../src/xmp/xml-check.js';

const XMP = '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Café — 東京</dc:title></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>';

const utf32 = (s: string, little: boolean, bom: boolean) => {
  const points = [...(bom ? '\uFEFF' : ''), ...s].map((c) => c.codePointAt(0)!);
  const b = Buffer.alloc(points.length * 4);
  points.forEach((p, i) => (little ? b.writeUInt32LE(p, i * 4) : b.writeUInt32BE(p, i * 4)));
  return b;
};

test('an XMP packet reads the same in every encoding the XMP spec allows, with or without a byte-order mark', () => {
  const be16 = (s: string) => Buffer.from(s, 'utf16le').swap16();
  const forms: [string, Buffer][] = [
    ['UTF-8', Buffer.from(XMP)],
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(XMP)])],
    ['UTF-16LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(XMP, 'utf16le')])],
    ['UTF-16LE', Buffer.from(XMP, 'utf16le')],
    ['UTF-16BE with a BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), be16(XMP)])],
    ['UTF-16BE', be16(XMP)],
    ['UTF-32LE with a BOM', utf32(XMP, true, true)],
    ['UTF-32BE', utf32(XMP, false, false)],
  ];
  for (const [name, bytes] of forms) {
    const text = decodeXml(bytes);
    assert.equal(text, XMP, name);
    assert.equal(xmlWellFormedError(text!), null, name);
  }
});

test('a large UTF-32 packet (a sidecar padded as XMP writers pad it) reads whole', () => {
  const big = XMP.replace('<?xpacket end', `${' '.repeat(300_000)}<?xpacket end`);
  assert.equal(decodeXml(utf32(big, true, true)), big);
});

test('bytes that are no text in the encoding they start in are not read as anything', () => {
  // A lone surrogate in UTF-16, a code point past U+10FFFF in UTF-32.
  assert.equal(decodeXml(Buffer.from([0xff, 0xfe, 0x3c, 0x00, 0x00, 0xd8, 0x3e, 0x00])), null);
  assert.equal(decodeXml(utf32('<', true, true).fill(0xff, 4, 7)), null);
});
