import { css, html, nothing } from 'lit';
import { icon, icons } from './icons.js';
import type { Quality } from './quality.js';
import type { Localize, ScreenPeer } from './types.js';

/**
 * One remote peer's tile: the video (`<rtc-remote-video peer>`, in its own open shadow root), the name
 * with a badge while the microphone is off, the first letter of the name while the camera is off, and
 * the quality indicator once the peer's quality is known and `quality` (quality.ts, a chunk) is there.
 */
export function peerTile(p: ScreenPeer, l: Localize, video = remoteVideo, quality: Quality | null = null) {
  const name = p.name || l.t('guest');
  return html`<div part="tile" class="tile" data-peer=${p.id} data-state=${p.state}>
    ${video(p.id, name)}
    ${p.videoMuted ? html`<span class="avatar" aria-hidden="true">${name[0]}</span>` : nothing}
    <span part="name" class="name"
      >${p.audioMuted ? html`<span part="muted-badge" role="img" aria-label=${l.t('micOff')}>${icon(icons.micOff)}</span>` : nothing}<span class="text">${name}</span></span
    >
    ${p.stats && quality ? quality(p.stats, l) : nothing}
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
.name{position:absolute;inset-block-end:.5rem;inset-inline-start:.5rem;display:flex;align-items:center;gap:.25rem;max-inline-size:calc(100% - 2rem);padding:.125rem .5rem;border-radius:1rem;color:#fff;background:var(--_scrim);font-size:.875rem}
.text{overflow:hidden;white-space:nowrap;text-overflow:ellipsis}
.avatar{position:absolute;inset:0;display:grid;place-items:center;font-size:3rem;color:#fff;background:var(--_scrim)}
svg{inline-size:1.25rem;block-size:1.25rem;flex:none;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
`;
