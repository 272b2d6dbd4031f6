import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DaemonError } from '../../errors/index.js';
import { unescapeHtml } from './html-unescape.js';

/** OpenAI CLIP's special tokens and context length (every ViT-B/32 export uses these). */
export const SOT_ID = 49406;
export const EOT_ID = 49407;
export const CONTEXT_LENGTH = 77;
/** Merges used by the standard tokenizer: 49152 - 256 byte tokens - 2 specials, as pairs of (byte tokens, </w> forms). */
const MERGE_COUNT = 49152 - 256 - 2;

// The pre-tokeniser of openai/CLIP simple_tokenizer.py: specials, English contractions, runs of
// letters, single digits, runs of anything else that is not whitespace.
const PAT = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/giu;

/** GPT-2's reversible byte → printable unicode map (so BPE never sees control or space bytes). */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  // Order matters: the vocabulary lists byte tokens in this (bs) order, not in byte order.
  const order: string[] = bs.map((_, i) => String.fromCodePoint(cs[i]!));
  const byByte: string[] = new Array<string>(256);
  bs.forEach((b, i) => (byByte[b] = order[i]!));
  return [...order, ...byByte];
}

/** ftfy-lite: NFC, html unescape (twice, as CLIP does), whitespace collapsed, trimmed, lower-cased. */
export function cleanText(text: string): string {
  let t = text.normalize('NFC');
  t = unescapeHtml(unescapeHtml(t)).trim();
  return t.replace(/\s+/gu, ' ').trim().toLowerCase();
}

export interface EncodeBatchOptions {
  /** Fixed row length (77 for fixed-shape exports) or pad to the longest row. */
  length: number | 'longest';
  /** 0 (open_clip / Immich) or 49407 (Hugging Face tokenizers pad with <|endoftext|>). */
  padId: number;
}

/**
 * The CLIP BPE tokenizer (openai/CLIP simple_tokenizer.py) in TypeScript. Built once from the
 * merges file, then pure: safe to share.
 */
export class ClipTokenizer {
  private readonly encoder = new Map<string, number>();
  private readonly ranks = new Map<string, number>();
  private readonly byteEncoder: string[];
  private readonly cache = new Map<string, number[]>();

  private constructor(merges: readonly [string, string][]) {
    const table = bytesToUnicode();
    const vocabOrder = table.slice(0, 256);
    this.byteEncoder = table.slice(256);
    const vocab = [...vocabOrder, ...vocabOrder.map((v) => v + '</w>'), ...merges.map(([a, b]) => a + b), '<|startoftext|>', '<|endoftext|>'];
    vocab.forEach((v, i) => this.encoder.set(v, i));
    merges.forEach(([a, b], i) => this.ranks.set(`${a} ${b}`, i));
  }

  /** Reads bpe_simple_vocab_16e6.txt(.gz). A missing file is MODEL_MISSING, a damaged one MODEL_INVALID. */
  static fromFile(file: string): ClipTokenizer {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (e) {
      throw new DaemonError('MODEL_MISSING', `CLIP tokenizer vocabulary ${file}`, { cause: e });
    }
    let text: string;
    try {
      text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    } catch (e) {
      throw new DaemonError('MODEL_INVALID', `CLIP tokenizer vocabulary ${file}: ${(e as Error).message}`, { cause: e });
    }
    return ClipTokenizer.fromMergesText(text, file);
  }

  static fromMergesText(text: string, source = 'merges'): ClipTokenizer {
    const lines = text.split('\n');
    const merges: [string, string][] = [];
    for (let i = 1; i < lines.length && merges.length < MERGE_COUNT; i++) {
      const parts = lines[i]!.split(' ');
      if (parts.length !== 2) continue;
      merges.push([parts[0]!, parts[1]!]);
    }
    if (merges.length !== MERGE_COUNT) {
      throw new DaemonError('MODEL_INVALID', `CLIP tokenizer vocabulary ${source}: ${merges.length} merges, expected ${MERGE_COUNT}`);
    }
    return new ClipTokenizer(merges);
  }

  get vocabSize(): number {
    return this.encoder.size;
  }

  /** Token ids of the text, without start/end tokens and without truncation. */
  tokenize(text: string): number[] {
    const out: number[] = [];
    for (const m of cleanText(text).matchAll(PAT)) {
      const piece = m[0];
      const special = this.encoder.get(piece);
      if (piece.startsWith('<|') && special !== undefined && (special === SOT_ID || special === EOT_ID)) {
        out.push(special);
        continue;
      }
      let mapped = '';
      for (const b of Buffer.from(piece, 'utf8')) mapped += this.byteEncoder[b]!;
      for (const id of this.bpe(mapped)) out.push(id);
    }
    return out;
  }

  /** [SOT, tokens…, EOT], truncated to `contextLength` keeping the end token (as open_clip does). */
  encode(text: string, contextLength = CONTEXT_LENGTH): number[] {
    const body = this.tokenize(text).slice(0, Math.max(0, contextLength - 2));
    return [SOT_ID, ...body, EOT_ID];
  }

  /** Encodes and pads rows to one length. Returns row-major ids and the row length. */
  encodeBatch(texts: readonly string[], opts: EncodeBatchOptions): { ids: number[]; rows: number; length: number; lengths: number[] } {
    const fixed = opts.length === 'longest' ? CONTEXT_LENGTH : opts.length;
    const rowsIds = texts.map((t) => this.encode(t, fixed));
    const length = opts.length === 'longest' ? Math.max(2, ...rowsIds.map((r) => r.length)) : opts.length;
    const ids = new Array<number>(rowsIds.length * length).fill(opts.padId);
    rowsIds.forEach((r, i) => r.forEach((id, j) => (ids[i * length + j] = id)));
    return { ids, rows: rowsIds.length, length, lengths: rowsIds.map((r) => r.length) };
  }

  private bpe(token: string): number[] {
    const hit = this.cache.get(token);
    if (hit) return hit;
    const chars = Array.from(token);
    let word: string[] = [...chars.slice(0, -1), chars.at(-1)! + '</w>'];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best]!;
      const second = word[best + 1]!;
      // Merge every occurrence of the winning pair, left to right (as the reference does).
      const next: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          next.push(first + second);
          i++;
        } else next.push(word[i]!);
      }
      word = next;
    }
    const ids = word.map((w) => {
      const id = this.encoder.get(w);
      if (id === undefined) throw new DaemonError('MODEL_INVALID', `CLIP tokenizer: no id for BPE piece ${JSON.stringify(w)}`);
      return id;
    });
    if (this.cache.size < 50_000) this.cache.set(token, ids);
    return ids;
  }
}
