import { html } from 'lit';
import type { CallStats } from '../../services/rtc/call-stats.js';

/** The quality line of `show-quality`: a level for a glance, then the numbers. */
export function qualityLine(s: CallStats) {
  const rtt = s.rtt ?? 0;
  const level = s.packetLoss > 0.1 || rtt > 400 ? 'poor' : s.packetLoss > 0.02 || rtt > 150 ? 'fair' : 'good';
  return html`<p part="quality" class="status" data-level=${level}>
    Quality ${level}: ${Math.round(rtt)} ms, ↓${Math.round(s.bitrateIn / 1e3)} ↑${Math.round(s.bitrateOut / 1e3)} kbit/s, ${Math.round(s.packetLoss * 100)}% loss, ${s.fps} fps, ${s.width}×${s.height},
    ${s.candidateType}
  </p>`;
}
