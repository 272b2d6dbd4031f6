import type { FullStatus } from './status-service.js';

/**
 * What the page's event stream is given as `status`: the snapshot with `eta.at` rounded to a step
 * that grows with the ETA (10 s, a minute, 5 minutes). It is `now + eta.seconds`, so unrounded it is
 * new every tick; the hub rounds the rates and ETA seconds (sse-hub.ts `roundedSnapshot`), and
 * together an idle or steady daemon produces the same frame tick after tick: nothing is sent.
 */
export function streamedStatus(s: FullStatus): FullStatus {
  const step = etaStep(s.eta.seconds);
  if (s.eta.at === null || step === 0) return s;
  return { ...s, eta: { ...s.eta, at: Math.round(s.eta.at / (step * 1000)) * step * 1000 } };
}

function etaStep(seconds: number | null): number {
  if (!seconds) return 0;
  return seconds < 60 ? 10 : seconds < 3600 ? 60 : 300;
}
