/**
 * Dates as people type them in a search box: "2013", "2019-2021", "June 2019", "jun 2019",
 * "2019-06", "2019-06-02", "summer 2019", "last summer", "this year", "last year", "last month", "last week",
 * "last weekend",
 * "the 2010s", "the 90s", "christmas 2019", and any of them after "before", "after", "since" or
 * "until" ("before 2010", "since June 2019").
 * Ranges are [from, to) in epoch ms read as UTC wall time, like parseDateBound and the stored
 * capture times. Seasons are the northern meteorological ones (summer = June–August; winter 2019
 * = December 2019–February 2020).
 */

export interface DateRange {
  /** -Infinity: no lower bound ("before 2010"). */
  from: number;
  /** Infinity: no upper bound ("since 2020"). */
  to: number;
  /** "2013", "June 2019", "summer 2025", "2019–2021", "before 2010". */
  label: string;
}

/** "before 2010" ends where 2010 starts; "until 2010" takes 2010 in; "after" and "since" alike. */
const OPEN_ENDED: Record<string, (r: DateRange) => DateRange> = {
  before: (r) => ({ from: -Infinity, to: r.from, label: `before ${r.label}` }),
  until: (r) => ({ from: -Infinity, to: r.to, label: `until ${r.label}` }),
  till: (r) => ({ from: -Infinity, to: r.to, label: `until ${r.label}` }),
  after: (r) => ({ from: r.to, to: Infinity, label: `after ${r.label}` }),
  since: (r) => ({ from: r.from, to: Infinity, label: `since ${r.label}` }),
};

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH_LABEL = MONTHS.map((m) => m[0]!.toUpperCase() + m.slice(1));
const SEASONS: Record<string, number> = { spring: 2, summer: 5, autumn: 8, fall: 8, winter: 11 };

function monthIndex(w: string): number {
  const t = w.toLowerCase().replace(/\.$/, '');
  if (t.length < 3) return -1;
  // "may" is also a word: a month counts only next to a year or a day (the callers check).
  return MONTHS.findIndex((m) => m.startsWith(t));
}

const isYear = (w: string) => /^(18|19|20)\d\d$/.test(w);

function year(y: number): DateRange {
  return { from: Date.UTC(y, 0, 1), to: Date.UTC(y + 1, 0, 1), label: String(y) };
}
function month(y: number, m: number): DateRange {
  return { from: Date.UTC(y, m, 1), to: Date.UTC(y, m + 1, 1), label: `${MONTH_LABEL[m]} ${y}` };
}
function season(name: string, y: number): DateRange {
  const start = SEASONS[name]!;
  return { from: Date.UTC(y, start, 1), to: Date.UTC(y, start + 3, 1), label: `${name} ${y}` };
}

/**
 * Reads a date from the start of `words` (already split, any case). Returns the range and how
 * many words it used, or null when the words do not start with a date.
 */
export function parseDateWords(words: readonly string[], now: number): { range: DateRange; used: number } | null {
  const w0 = words[0]?.toLowerCase();
  if (!w0) return null;
  const w1 = words[1]?.toLowerCase();
  const w2 = words[2]?.toLowerCase();
  const today = new Date(now);
  const ty = today.getUTCFullYear();
  const tm = today.getUTCMonth();

  const open = OPEN_ENDED[w0];
  if (open) {
    // "until today", "before last summer", "before the 90s" too.
    const r = parseDateWords(words.slice(1), now);
    return r && Number.isFinite(r.range.from) && Number.isFinite(r.range.to) ? { range: open(r.range), used: r.used + 1 } : null;
  }
  // Decades: "2010s", "1990s", "90s", "'90s" (00s-20s are this century's), "the 90s".
  if (w0 === 'the' && w1) {
    const r = parseDateWords(words.slice(1, 2), now);
    return r?.range.label.startsWith('the ') ? { range: r.range, used: 2 } : null;
  }
  let m = /^['’]?((?:18|19|20)?\d)0s$/.exec(w0);
  if (m) {
    const d = m[1]!.length === 1 ? (Number(m[1]) <= 2 ? 2000 : 1900) + Number(m[1]) * 10 : Number(m[1]) * 10;
    return { range: { from: Date.UTC(d, 0, 1), to: Date.UTC(d + 10, 0, 1), label: `the ${d}s` }, used: 1 };
  }
  // Christmas 2019: the 24th to the 26th of December.
  if ((w0 === 'christmas' || w0 === 'xmas') && w1 && isYear(w1)) {
    const y = Number(w1);
    return { range: { from: Date.UTC(y, 11, 24), to: Date.UTC(y, 11, 27), label: `Christmas ${y}` }, used: 2 };
  }

  // 2019-2021, 2019–2021, 2019..2021; "2019 to 2021", "from 2019 to 2021" is "2019" "to" "2021".
  m = /^((?:18|19|20)\d\d)(?:-|–|—|\.\.)((?:18|19|20)\d\d)$/.exec(w0);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    if (b < a) return null;
    return { range: { from: Date.UTC(a, 0, 1), to: Date.UTC(b + 1, 0, 1), label: `${a}–${b}` }, used: 1 };
  }
  if (isYear(w0) && (w1 === 'to' || w1 === 'until' || w1 === '-') && w2 && isYear(w2) && Number(w2) >= Number(w0)) {
    return { range: { from: Date.UTC(Number(w0), 0, 1), to: Date.UTC(Number(w2) + 1, 0, 1), label: `${w0}–${w2}` }, used: 3 };
  }
  // ISO: 2019-06, 2019-06-02
  m = /^((?:18|19|20)\d\d)-(\d\d)(?:-(\d\d))?$/.exec(w0);
  if (m) {
    const y = Number(m[1]);
    const mo = Number(m[2]) - 1;
    if (mo < 0 || mo > 11) return null;
    if (!m[3]) return { range: month(y, mo), used: 1 };
    const d = Number(m[3]);
    if (d < 1 || d > 31) return null;
    return { range: { from: Date.UTC(y, mo, d), to: Date.UTC(y, mo, d + 1), label: `${d} ${MONTH_LABEL[mo]} ${y}` }, used: 1 };
  }
  if (isYear(w0)) {
    // "2019 june" reads as June 2019 too.
    if (w1 && monthIndex(w1) >= 0) return { range: month(Number(w0), monthIndex(w1)), used: 2 };
    return { range: year(Number(w0)), used: 1 };
  }
  // June 2019, jun 2019, 2 june 2019
  if (/^\d{1,2}$/.test(w0) && w1 && monthIndex(w1) >= 0 && w2 && isYear(w2)) {
    const d = Number(w0);
    const mo = monthIndex(w1);
    const y = Number(w2);
    if (d >= 1 && d <= 31) return { range: { from: Date.UTC(y, mo, d), to: Date.UTC(y, mo, d + 1), label: `${d} ${MONTH_LABEL[mo]} ${y}` }, used: 3 };
  }
  if (monthIndex(w0) >= 0 && w1 && isYear(w1)) return { range: month(Number(w1), monthIndex(w0)), used: 2 };
  // summer 2019, winter 2019 (December 2019 – February 2020)
  if (SEASONS[w0] !== undefined && w1 && isYear(w1)) return { range: season(w0, Number(w1)), used: 2 };
  // last/this summer|year|month, past year
  if ((w0 === 'last' || w0 === 'this' || w0 === 'past') && w1) {
    if (w1 === 'year') return { range: w0 === 'this' ? year(ty) : w0 === 'past' ? { from: Date.UTC(ty - 1, tm, today.getUTCDate()), to: now + 1, label: 'the past year' } : year(ty - 1), used: 2 };
    if (w0 === 'past' && w1 === 'week') return { range: { from: now - 7 * 86_400_000, to: now + 1, label: 'the past week' }, used: 2 };
    if (w1 === 'week' || (w1 === 'weekend' && w0 !== 'past')) {
      // Weeks start on Monday (ISO 8601); a weekend is Saturday and Sunday. "last" is the one before this one.
      const today0 = Date.UTC(ty, tm, today.getUTCDate());
      const monday = today0 - ((today.getUTCDay() + 6) % 7) * 86_400_000;
      const week = w0 === 'last' ? monday - 7 * 86_400_000 : monday;
      if (w1 === 'week') return { range: { from: week, to: week + 7 * 86_400_000, label: `${w0} week` }, used: 2 };
      // This weekend once it has begun; before Saturday, "this weekend" is the coming one (nothing yet).
      return { range: { from: week + 5 * 86_400_000, to: week + 7 * 86_400_000, label: `${w0} weekend` }, used: 2 };
    }
    if (w1 === 'month') {
      const r = w0 === 'this' ? month(ty, tm) : month(tm === 0 ? ty - 1 : ty, (tm + 11) % 12);
      return { range: r, used: 2 };
    }
    if (SEASONS[w1] !== undefined) {
      const start = SEASONS[w1]!;
      // This year's season when it has begun (this) / ended (last); else the year before's.
      const begun = (y: number) => Date.UTC(y, start, 1) <= now;
      const ended = (y: number) => Date.UTC(y, start + 3, 1) <= now;
      let y = ty;
      if (w0 === 'this') {
        if (!begun(y)) y -= 1;
      } else {
        while (!ended(y)) y -= 1;
      }
      return { range: season(w1, y), used: 2 };
    }
  }
  if (w0 === 'today' || w0 === 'yesterday') {
    const d = Date.UTC(ty, tm, today.getUTCDate() - (w0 === 'yesterday' ? 1 : 0));
    return { range: { from: d, to: d + 86_400_000, label: w0 }, used: 1 };
  }
  return null;
}
