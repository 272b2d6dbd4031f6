/**
 * Parses a CLI/API date bound: YYYY, YYYY-MM, YYYY-MM-DD (a whole period) or a full ISO time.
 * `--from` takes the start of the period, `--to` its end (exclusive), so `--to 2024-05` includes
 * all of May. Dates without a zone are read as UTC (capture times are stored as UTC epoch ms).
 */
export function parseDateBound(s: string, bound: 'from' | 'to'): number | null {
  const t = s.trim();
  let m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(t);
  if (m) {
    const y = Number(m[1]);
    const mo = m[2] ? Number(m[2]) - 1 : null;
    const d = m[3] ? Number(m[3]) : null;
    if (mo !== null && (mo < 0 || mo > 11)) return null;
    if (d !== null && (d < 1 || d > 31)) return null;
    const start = Date.UTC(y, mo ?? 0, d ?? 1);
    if (bound === 'from') return start;
    return d !== null ? Date.UTC(y, mo!, d + 1) : mo !== null ? Date.UTC(y, mo + 1, 1) : Date.UTC(y + 1, 0, 1);
  }
  m = /^\d{4}-\d{2}-\d{2}T/.exec(t);
  if (m) {
    const ms = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? t : `${t}Z`);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}
