import { html, type ReactiveController, type ReactiveControllerHost } from 'lit';

/**
 * Plays a video of a remote peer, and owns what can go wrong with it:
 * - the browser's autoplay policy refuses to play without a user gesture (`NotAllowedError`): `blocked`
 *   is true, and the host shows `button()`, "Click to play", instead of a silent black box; a click is
 *   the gesture that lets it play. Other rejections (a new stream interrupting the load) are no block.
 * - the speaker: the chosen `sinkId` is applied with `setSinkId`, where the browser has it.
 * Call `update(sinkId)` after each render; it acts only when the video's stream or the speaker changed.
 */
export class PlaybackController implements ReactiveController {
  /** The browser refused to play the stream without a user gesture. */
  blocked = false;
  #played: MediaProvider | null = null;
  #sinkId = '';
  readonly #host: ReactiveControllerHost;
  readonly #video: () => HTMLVideoElement | null | undefined;

  constructor(
    host: ReactiveControllerHost,
    video: () => HTMLVideoElement | null | undefined,
  ) {
    this.#host = host;
    this.#video = video;
    host.addController(this);
  }

  /** Taken out of the page, the video lost its stream: put back, it is played again. */
  hostDisconnected(): void {
    this.#played = null;
  }

  /** Plays a new stream, and moves to the speaker `sinkId` ('' is the default). */
  update(sinkId: string): void {
    const video = this.#video();
    if (!video) return;
    const stream = video.srcObject;
    if (stream !== this.#played) {
      this.#played = stream;
      // Settled after this update, so the button's change is an update of its own.
      void (stream ? this.#play(video) : Promise.resolve(true)).then((ok) => this.#played === stream && this.#setBlocked(!ok));
    }
    if (sinkId !== this.#sinkId && video.setSinkId) {
      this.#sinkId = sinkId;
      video.setSinkId(sinkId).catch(() => {});
    }
  }

  /** "Click to play", over a blocked video; render it while `blocked`. */
  button() {
    return html`<button part="play-button" class="play" type="button" @click=${() => this.#resume()}>Click to play</button>`;
  }

  #resume(): void {
    const video = this.#video();
    if (video) void this.#play(video).then((ok) => this.#setBlocked(!ok));
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
