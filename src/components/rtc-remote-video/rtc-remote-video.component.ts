import { ContextConsumer } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { MediaStreamController } from '../../controllers/media-stream-controller.js';
import { PlaybackController } from '../../controllers/playback-controller.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { fallbackService } from '../service-lookup.js';
import { styles } from './rtc-remote-video.styles.js';

/**
 * @summary Shows one peer's video and plays its sound.
 * @csspart video - The internal `<video>` element.
 * @csspart play-button - "Click to play", shown over the video when the browser blocked autoplay.
 * @cssproperty [--rtc-video-object-fit=cover] - How the video fills its box.
 * @cssproperty [--rtc-video-background=#111] - The box's background while there is no video.
 * @cssproperty [--rtc-video-aspect-ratio=4 / 3] - The box's aspect ratio.
 * @cssproperty [--rtc-video-radius=8px] - The box's corner radius.
 */
export default class RtcRemoteVideo extends RtcElement {
  static override styles = styles;
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = { service: { attribute: false }, peer: { reflect: true }, label: {} };

  /** The call's service; taken from the surrounding `<rtc-call>`, or the page's default. */
  service?: RtcService;

  /** What assistive technology calls the video; default "Remote video". The call screen gives the peer's name. */
  label: string | null = null;

  // A controller rather than the @consume decorator: the same subscription, with fewer bundle bytes.
  readonly #consumer = new ContextConsumer(this, {
    context: rtcServiceContext,
    subscribe: true,
    callback: (service) => (this.service = service),
  });

  /** The peer to show, by connection id. Without it, the first peer with a stream. */
  peer: string | null = null;

  readonly #media = new MediaStreamController(this, () => this.#video);
  readonly #playback = new PlaybackController(this, () => (this.#video ? [this.#video] : []));
  readonly #subscription = new ServiceSubscriptionController(this, {
    peerschange: () => this.#media.setStream(this.#pick()),
    mediachange: () => {},
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.service ??= fallbackService(this);
    // Put back in the page (moved): show the stream again; disconnecting cleared it.
    this.#media.setStream(this.#pick());
  }

  /** The stream shown now, if any. */
  get stream(): MediaStream | null {
    return this.#media.current;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) this.#subscription.setService(this.service);
    if (changed.has('service') || changed.has('peer')) this.#media.setStream(this.#pick());
  }

  protected override updated(): void {
    // The stream controller has just put the stream in: play it, on the chosen speaker.
    this.#playback.update(this.service?.sinkId ?? '');
  }

  protected override render() {
    return html`<video part="video" autoplay playsinline aria-label=${this.label || 'Remote video'}></video>${this.#playback.blocked ? this.#playback.button() : nothing}`;
  }

  get #video(): HTMLVideoElement | null {
    return this.renderRoot?.querySelector('video') ?? null;
  }

  #pick(): MediaStream | null {
    const peers = this.service?.peers ?? [];
    return (this.peer ? peers.find((p) => p.id === this.peer) : peers.find((p) => p.stream))?.stream ?? null;
  }
}
