import type { FullStatus } from './status-service.js';

/**
 * What the page's event stream sends as `status`: the snapshot with its moving figures rounded
 * (ETA to a step that grows with it, rates to two significant digits), so an idle or steady daemon
 * produces the same frame tick after tick and the hub sends nothing until something changes.
 */
export function streamedStatus(s: FullStatus): FullStatus {
  const seconds = roundEta(s.eta.seconds);
  const step = etaStep(seconds);
  const passes: FullStatus['passes'] = {};
  for (const [name, p] of Object.entries(s.passes)) passes[name] = { ...p, perMinute: sig2(p.perMinute), etaSeconds: roundEta(p.etaSeconds) };
  return {
    ...s,
    passes,
    throughput: { ...s.throughput, runsPerMinute: sig2(s.throughput.runsPerMinute), filesPerMinute: sig2(s.throughput.filesPerMinute) },
    eta: { seconds, at: s.eta.at === null || step === 0 ? s.eta.at : Math.round(s.eta.at / (step * 1000)) * step * 1000 },
  };
}

function etaStep(seconds: number | null): number {
  if (!seconds) return 0;
  return seconds < 60 ? 10 : seconds < 3600 ? 60 : 300;
}

export function roundEta(seconds: number | null): number | null {
  const step = etaStep(seconds);
  if (seconds === null || step === 0) return seconds;
  return Math.max(step, Math.round(seconds / step) * step);
}

function sig2(n: number): number {
  return n ? Number(n.toPrecision(2)) : n;
}
