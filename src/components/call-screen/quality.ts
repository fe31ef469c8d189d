// The quality indicator of a peer's tile, in a chunk of its own. It shows once a peer's quality has been
// measured (call-stats.ts, itself a chunk loaded when the first peer connects, reports 2 s later), so the
// initial bundle does without it. The call screen loads it then; <rtc-peer-grid> and the `then`
// variant's view, chunks themselves, import it.
import { css, html } from 'lit';
import type { CallStats } from '../../services/rtc/call-stats.js';
import type { Localize } from './types.js';

export type QualityLevel = 'good' | 'fair' | 'poor';

/** A connection's quality at a glance, from its last stats: loss above 10 % or 400 ms is poor, above 2 % or 150 ms fair. */
export function qualityLevel(s: CallStats): QualityLevel {
  const rtt = s.rtt ?? 0;
  return s.packetLoss > 0.1 || rtt > 400 ? 'poor' : s.packetLoss > 0.02 || rtt > 150 ? 'fair' : 'good';
}

/** The indicator: three bars; the level is its name, the round-trip time, size and path its tooltip. */
export function quality(s: CallStats, l: Localize) {
  const level = qualityLevel(s);
  const label = l.t('quality', { level: l.t(level) });
  return html`<span part="quality" class="quality" data-level=${level} role="img" aria-label=${label}
    title=${[label, s.rtt === null ? '' : l.number(Math.round(s.rtt), { style: 'unit', unit: 'millisecond' }), `${s.width}×${s.height}`, s.candidateType].filter(Boolean).join(' · ')}
    ><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 20v-4" /><path d="M12 20v-9" /><path d="M19 20V6" /></svg
  ></span>`;
}

export type Quality = typeof quality;

/** Its styles, beside the tiles' (tileStyles, in peer-tile.ts), whose `.name` badge it mirrors. */
export const qualityStyles = css`
.quality{position:absolute;inset-block-start:.5rem;inset-inline-end:.5rem;display:flex;align-items:center;padding:.25rem;border-radius:1rem;color:#fff;background:var(--_scrim)}
[data-level=fair] path:last-child,[data-level=poor] path+path{opacity:.3}
`;
