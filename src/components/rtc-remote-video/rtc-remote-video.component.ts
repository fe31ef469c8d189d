import { ContextConsumer } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { MediaStreamController } from '../../controllers/media-stream-controller.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { play, playButton } from '../playback.js';
import { fallbackService } from '../service-lookup.js';
import { playStyles, videoStyles } from '../shared.styles.js';

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
  static override styles = [videoStyles, playStyles];
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = { service: { attribute: false }, peer: { reflect: true }, blocked: { state: true } };

  /** The call's service; taken from the surrounding `<rtc-call>`, or the page's default. */
  service?: RtcService;

  // A controller rather than the @consume decorator: the same subscription, with fewer bundle bytes.
  readonly #consumer = new ContextConsumer(this, {
    context: rtcServiceContext,
    subscribe: true,
    callback: (service) => (this.service = service),
  });

  /** The peer to show, by connection id. Without it, the first peer with a stream. */
  peer: string | null = null;

  /** The browser refused to play the stream without a user gesture: the play button shows. */
  private blocked = false;
  /** The stream last given to play(), and the speaker last set. */
  #played: MediaStream | null = null;
  #sinkId = '';

  private readonly media = new MediaStreamController(this, () => this.video);
  private readonly subscription = new ServiceSubscriptionController(this, {
    remotestream: () => this.media.setStream(this.pick()),
    mediachange: () => {},
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.service ??= fallbackService(this);
    // Put back in the page (moved): show the stream again; disconnecting cleared it.
    this.media.setStream(this.pick());
  }

  /** The stream shown now, if any. */
  get stream(): MediaStream | null {
    return this.media.current;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) this.subscription.setService(this.service);
    if (changed.has('service') || changed.has('peer')) this.media.setStream(this.pick());
  }

  protected override updated(): void {
    const video = this.video!;
    // The controller has just put the stream in; play it ourselves to learn whether autoplay was blocked.
    const stream = this.media.current;
    if (stream !== this.#played) {
      this.#played = stream;
      // Settled after this update, so the button change is an update of its own.
      void (stream ? play(video) : Promise.resolve(true)).then((ok) => this.#played === stream && (this.blocked = !ok));
    }
    const sinkId = this.service?.sinkId ?? '';
    if (sinkId !== this.#sinkId && video.setSinkId) {
      this.#sinkId = sinkId;
      video.setSinkId(sinkId).catch(() => {});
    }
  }

  protected override render() {
    return html`<video part="video" autoplay playsinline aria-label="Remote video"></video>${this.blocked ? playButton(() => this.#resume()) : nothing}`;
  }

  private get video(): HTMLVideoElement | null {
    return this.renderRoot?.querySelector('video') ?? null;
  }

  #resume(): void {
    void play(this.video).then((ok) => (this.blocked = !ok));
  }

  private pick(): MediaStream | null {
    const streams = this.service?.remoteStreams;
    if (!streams) return null;
    if (this.peer) return streams.get(this.peer) ?? null;
    return streams.values().next().value ?? null;
  }
}
