export interface DecodedText {
  text: string;
  /** Mean probability of the kept characters (0 when nothing was read). */
  score: number;
}

/**
 * Greedy CTC decoding of one recognition output ([steps, classes] softmax, row-major): the best
 * class per step, repeats collapsed, blanks (class 0) dropped. Class i > 0 is `charset[i - 1]`;
 * PaddleOCR appends a space as the last class.
 */
export function ctcDecode(probs: Float32Array, steps: number, classes: number, charset: readonly string[], offset = 0): DecodedText {
  let text = '';
  let sum = 0;
  let n = 0;
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== prev) {
      text += charset[best - 1] ?? '';
      sum += bestP;
      n++;
    }
    prev = best;
  }
  return { text: text.trim(), score: n ? sum / n : 0 };
}

/** The recogniser's character set: the dictionary's lines, then a space (PaddleOCR use_space_char). */
export function charsetFromDictionary(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return [...lines, ' '];
}
