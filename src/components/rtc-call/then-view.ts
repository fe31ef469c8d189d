import { html, nothing, type ReactiveControllerHost } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PlaybackController } from '../../controllers/playback-controller.js';
import type { ScreenVideos } from '../call-screen/call-screen.js';
import { peerTile } from '../call-screen/peer-tile.js';
import type { Quality } from '../call-screen/quality.js';
import type { Localize, ScreenPeer } from '../call-screen/types.js';
import type { VariantVideos } from '../../services/rtc/engines/call-engine.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';

/** What the `then` variant's part of the default page needs of its `<rtc-call>`. */
export interface ThenViewHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly service: RtcService;
}

/**
 * The `then` variant's videos on the call screen: plain `<video>` elements that its engine fills
 * itself, as the seed's Index page does. The self-view, and one tile per peer (one fills the stage,
 * several make a grid), with "click to play" and the chosen speaker. Loaded with the variant, on first use.
 */
export function thenView(host: ThenViewHost) {
  const root = host.renderRoot;
  const local = () => root.querySelector<HTMLVideoElement>('video[part~="local-video"]');
  const remotes = () => root.querySelectorAll<HTMLVideoElement>('video[part="remote-video"]');
  const remote = (peerId: string) => [...remotes()].find((video) => video.dataset.peer === peerId) ?? null;
  const playback = new PlaybackController(host, remotes);
  const videos: VariantVideos = { local, remote };
  const screen: ScreenVideos = {
    peers(l: Localize, quality: Quality | null) {
      const peers = host.service.peers as readonly ScreenPeer[];
      if (!peers.length) return nothing;
      // `repeat` keeps each peer's <video> (and what plays in it) as peers come and go.
      return html`<div class="tiles">${repeat(peers, (p) => p.id, (p) => peerTile(p, l, remoteVideo, quality))}</div>
        ${playback.blocked ? playback.button() : nothing}`;
    },
    self(l: Localize) {
      // The styles of these videos come with them, rather than in the initial bundle.
      return html`${styles}${host.service.localStream
        ? html`<video part="self-view local-video" class="self" autoplay playsinline muted .muted=${true} aria-label=${l.t('you')}></video>`
        : nothing}`;
    },
  };
  return {
    videos,
    screen,
    /** After each render: videos rendered after their streams came catch up, and new streams play. */
    updated() {
      const { service } = host;
      const camera = local();
      if (camera && camera.srcObject !== service.localStream) camera.srcObject = service.localStream;
      for (const { id, stream } of service.peers) {
        const video = remote(id);
        if (video && video.srcObject !== stream) video.srcObject = stream;
      }
      playback.update(service.sinkId);
    },
  };
}

const styles = html`<style>
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,14rem),1fr));grid-auto-rows:minmax(6rem,1fr);gap:var(--_gap)}
.tiles video,video.self{display:block;inline-size:100%;block-size:100%;object-fit:cover}
video.self{block-size:auto;aspect-ratio:4/3;border-radius:var(--_r);background:var(--_stage)}
.play{position:absolute;inset-block-start:50%;inset-inline-start:50%;translate:-50% -50%;z-index:3}
</style>`;

const remoteVideo = (peer: string, name: string) =>
  html`<video part="remote-video" class="video" data-peer=${peer} autoplay playsinline aria-label=${name}></video>`;
