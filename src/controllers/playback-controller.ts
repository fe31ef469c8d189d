import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';

/**
 * Plays the videos of remote peers, and owns what can go wrong with them:
 * - the browser's autoplay policy refuses to play without a user gesture (`NotAllowedError`): `blocked`
 *   is true, and the host shows `button()`, "Click to play", instead of a silent black box; a click is
 *   the gesture that lets them play. Other rejections (a new stream interrupting the load) are no block.
 * - the speaker: the chosen `sinkId` is applied with `setSinkId`, where the browser has it.
 * Call `update(sinkId)` after each render; it acts only on a video whose stream or speaker changed.
 */
export class PlaybackController implements ReactiveController {
  /** The browser refused to play a stream without a user gesture. */
  blocked = false;
  /** The stream each video was last played with, and the speaker it was last given. */
  #played = new WeakMap<HTMLVideoElement, { stream: MediaProvider | null; sinkId: string }>();
  readonly #host: ReactiveControllerHost;
  readonly #videos: () => Iterable<HTMLVideoElement>;

  constructor(host: ReactiveControllerHost, videos: () => Iterable<HTMLVideoElement>) {
    this.#host = host;
    this.#videos = videos;
    host.addController(this);
  }

  /** Taken out of the page, the videos lost their streams: put back, they are played again. */
  hostDisconnected(): void {
    this.#played = new WeakMap();
  }

  /** Plays each new stream, and moves each video to the speaker `sinkId` ('' is the default). */
  update(sinkId: string): void {
    for (const video of this.#videos()) {
      const last = this.#played.get(video);
      const stream = video.srcObject;
      if (stream !== last?.stream) {
        // Settled after this update, so the button's change is an update of its own.
        void (stream ? this.#play(video) : Promise.resolve(true)).then((ok) => video.srcObject === stream && this.#setBlocked(!ok));
      }
      if (sinkId !== (last?.sinkId ?? '') && video.setSinkId) video.setSinkId(sinkId).catch(() => {});
      this.#played.set(video, { stream, sinkId });
    }
  }

  /** "Click to play", over blocked videos; render it while `blocked`. */
  button() {
    return html`<button part="play-button" class="play" type="button" @click=${() => this.#resume()}>Click to play</button>`;
  }

  #resume(): void {
    void Promise.all([...this.#videos()].map((video) => this.#play(video))).then((played) => this.#setBlocked(!played.every(Boolean)));
  }

  #play(video: HTMLVideoElement): Promise<boolean> {
    return video.play().then(
      () => true,
      (error) => error?.name !== 'NotAllowedError',
    );
  }

  #setBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.#host.requestUpdate();
  }
}
