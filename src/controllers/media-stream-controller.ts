import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Puts a stream into the host's `<video>` after render and takes it out on disconnect. It never
 * stops tracks: the stream belongs to the service, and other elements may be showing it too.
 */
export class MediaStreamController implements ReactiveController {
  #stream: MediaStream | null = null;
  readonly #host: ReactiveControllerHost;
  readonly #video: () => HTMLVideoElement | null;

  constructor(
    host: ReactiveControllerHost,
    video: () => HTMLVideoElement | null,
  ) {
    this.#host = host;
    this.#video = video;
    host.addController(this);
  }

  get current(): MediaStream | null {
    return this.#stream;
  }

  setStream(stream: MediaStream | null): void {
    if (this.#stream === stream) return;
    this.#stream = stream;
    this.#host.requestUpdate();
  }

  hostUpdated(): void {
    const video = this.#video();
    if (video && video.srcObject !== this.#stream) video.srcObject = this.#stream;
  }

  hostDisconnected(): void {
    const video = this.#video();
    if (video) video.srcObject = null;
    this.#stream = null;
  }
}
