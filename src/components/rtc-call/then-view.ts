import { html, nothing, type ReactiveControllerHost } from 'lit';
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
 * itself, as the seed's Index page does, with "click to play" and the chosen speaker. Loaded with the
 * variant, on first use.
 */
export function thenView(host: ThenViewHost) {
  const video = (which: 'local' | 'remote') => host.renderRoot.querySelector<HTMLVideoElement>(`video[part="${which}-video"]`);
  const playback = new PlaybackController(host, () => video('remote'));
  const videos: VariantVideos = { local: () => video('local'), remote: () => video('remote') };
  return {
    videos,
    render: () =>
      html`<video part="local-video" class="video" autoplay playsinline muted .muted=${true} aria-label="Your camera"></video>
        <div class="remote"><video part="remote-video" class="video" autoplay playsinline aria-label="Remote video"></video>${playback.blocked ? playback.button() : nothing}</div>`,
    /** After each render: videos rendered after their streams came catch up, and the remote one plays. */
    updated() {
      const { service } = host;
      const local = video('local');
      const remote = video('remote');
      if (local && !local.srcObject) local.srcObject = service.localStream;
      if (remote && !remote.srcObject) remote.srcObject = service.peers.find((p) => p.stream)?.stream ?? null;
      playback.update(service.sinkId);
    },
  };
}
