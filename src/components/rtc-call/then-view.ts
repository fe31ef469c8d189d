import { html, nothing, type ReactiveControllerHost } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { PlaybackController } from '../../controllers/playback-controller.js';
import type { VariantVideos } from '../../services/rtc/engines/call-engine.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';

/** What the `then` variant's part of the default page needs of its `<rtc-call>`. */
export interface ThenViewHost extends ReactiveControllerHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly service: RtcService;
}

/**
 * The `then` variant's videos on the default page: plain `<video>` elements that its engine fills
 * itself, as the seed's Index page does: the camera, and one video per peer (one empty one before the
 * call), with "click to play" and the chosen speaker. Loaded with the variant, on first use.
 */
export function thenView(host: ThenViewHost) {
  const root = host.renderRoot;
  const local = () => root.querySelector<HTMLVideoElement>('video[part="local-video"]');
  const remotes = () => root.querySelectorAll<HTMLVideoElement>('video[part="remote-video"]');
  const remote = (peerId: string) => [...remotes()].find((video) => video.dataset.peer === peerId) ?? null;
  const playback = new PlaybackController(host, remotes);
  const videos: VariantVideos = { local, remote };
  return {
    videos,
    render() {
      const peers = host.service.peers;
      // `repeat` keeps each peer's <video> (and what plays in it) as peers come and go.
      const tiles = peers.length ? repeat(peers, (p) => p.id, (p) => remoteVideo(p.id)) : remoteVideo('');
      return html`<video part="local-video" class="video" autoplay playsinline muted .muted=${true} aria-label="Your camera"></video>
        <div class="remote">${tiles}${playback.blocked ? playback.button() : nothing}</div>`;
    },
    /** After each render: videos rendered after their streams came catch up, and new streams play. */
    updated() {
      const { service } = host;
      const camera = local();
      if (camera && !camera.srcObject) camera.srcObject = service.localStream;
      for (const { id, stream } of service.peers) {
        const video = remote(id);
        if (video && video.srcObject !== stream) video.srcObject = stream;
      }
      playback.update(service.sinkId);
    },
  };
}

const remoteVideo = (peer: string) =>
  html`<video part="remote-video" class="video" data-peer=${peer} autoplay playsinline aria-label=${peer ? 'Remote video' : 'Remote video, no one yet'}></video>`;
