import { css, html, nothing } from 'lit';
import type { CallStats } from '../../services/rtc/call-stats.js';
import { icon, icons } from './icons.js';
import type { Localize, ScreenPeer } from './types.js';

export type QualityLevel = 'good' | 'fair' | 'poor';

/** A connection's quality at a glance, from its last stats: loss above 10 % or 400 ms is poor, above 2 % or 150 ms fair. */
export function qualityLevel(s: CallStats): QualityLevel {
  const rtt = s.rtt ?? 0;
  return s.packetLoss > 0.1 || rtt > 400 ? 'poor' : s.packetLoss > 0.02 || rtt > 150 ? 'fair' : 'good';
}

/**
 * One remote peer's tile: the video (`<rtc-remote-video peer>`, in its own open shadow root), the name
 * with a badge while the microphone is off, the first letter of the name while the camera is off, and
 * the quality indicator (three bars; the level is its name, the round-trip time its tooltip).
 */
export function peerTile(p: ScreenPeer, l: Localize, video = remoteVideo) {
  const name = p.name || l.t('guest');
  const s = p.stats;
  const level = s && qualityLevel(s);
  const quality = l.t('quality', { level: level ? l.t(level) : '' });
  return html`<div part="tile" class="tile" data-peer=${p.id} data-state=${p.state}>
    ${video(p.id, name)}
    ${p.videoMuted ? html`<span class="avatar" aria-hidden="true">${name[0]}</span>` : nothing}
    <span part="name" class="name"
      >${p.audioMuted ? html`<span part="muted-badge" role="img" aria-label=${l.t('micOff')}>${icon(icons.micOff)}</span>` : nothing}<span class="text">${name}</span></span
    >
    ${s
      ? html`<span part="quality" class="quality" data-level=${level} role="img" aria-label=${quality}
          title=${[quality, s.rtt === null ? '' : l.number(Math.round(s.rtt), { style: 'unit', unit: 'millisecond' }), `${s.width}×${s.height}`, s.candidateType].filter(Boolean).join(' · ')}
          ><svg viewBox="0 0 24 24" aria-hidden="true"><path d="M5 20v-4" /><path d="M12 20v-9" /><path d="M19 20V6" /></svg
        ></span>`
      : nothing}
  </div>`;
}

/** A peer's video as the tiles show it by default: `<rtc-remote-video>`, which finds the stream itself. */
const remoteVideo = (peer: string, name: string) => html`<rtc-remote-video part="remote-video" peer=${peer} .label=${name}></rtc-remote-video>`;

/**
 * The tiles' styles, shared by the call screen (one peer) and `<rtc-peer-grid>` (several). They read
 * the short internal properties (`--_r` radius, `--_stage`, `--_scrim`) that the call screen's root and
 * the grid's host set from the public `--rtc-call-*` ones.
 */
export const tileStyles = css`
.tile{position:relative;overflow:hidden;border-radius:var(--_r);background:var(--_stage)}
.tile rtc-remote-video{--rtc-video-aspect-ratio:auto;--rtc-video-radius:0;block-size:100%}
.name,.quality{position:absolute;display:flex;align-items:center;gap:.25rem;padding:.125rem .5rem;border-radius:1rem;color:#fff;background:var(--_scrim);font-size:.875rem}
.name{inset-block-end:.5rem;inset-inline-start:.5rem;max-inline-size:calc(100% - 2rem)}
.text{overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.quality{inset-block-start:.5rem;inset-inline-end:.5rem;padding:.25rem}
[data-level=fair] path:last-child,[data-level=poor] path+path{opacity:.3}
.avatar{position:absolute;inset:0;display:grid;place-items:center;font-size:3rem;color:#fff;background:var(--_scrim)}
svg{inline-size:1.25rem;block-size:1.25rem;flex:none;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
`;
