import { ContextConsumer } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { MediaStreamController } from '../../controllers/media-stream-controller.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { fallbackService } from '../service-lookup.js';
import { styles } from './rtc-local-video.styles.js';

/**
 * @summary Shows the local camera of the surrounding call, muted.
 * @csspart video - The internal `<video>` element.
 * @cssproperty [--rtc-video-object-fit=cover] - How the video fills its box.
 * @cssproperty [--rtc-video-background=#111] - The box's background while there is no video.
 * @cssproperty [--rtc-video-aspect-ratio=4 / 3] - The box's aspect ratio.
 * @cssproperty [--rtc-video-radius=8px] - The box's corner radius.
 */
export default class RtcLocalVideo extends RtcElement {
  static override styles = styles;
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = { service: { attribute: false }, label: {} };

  /** The call's service; taken from the surrounding `<rtc-call>`, or the page's default. */
  service?: RtcService;

  /** What assistive technology calls the video; default "Your camera". The call screen gives "You" in the page's language. */
  label: string | null = null;

  // A controller rather than the @consume decorator: the same subscription, with fewer bundle bytes.
  readonly #consumer = new ContextConsumer(this, {
    context: rtcServiceContext,
    subscribe: true,
    callback: (service) => (this.service = service),
  });

  readonly #media = new MediaStreamController(this, () => this.renderRoot?.querySelector('video') ?? null);
  readonly #subscription = new ServiceSubscriptionController(this, {
    localstream: ({ detail }) => this.#media.setStream(detail.stream),
  });

  override connectedCallback(): void {
    super.connectedCallback();
    this.service ??= fallbackService(this);
    // Put back in the page (moved): show the stream again; disconnecting cleared it.
    this.#media.setStream(this.service?.localStream ?? null);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) {
      this.#subscription.setService(this.service);
      this.#media.setStream(this.service?.localStream ?? null);
    }
  }

  protected override render() {
    // Local video is always muted: hearing yourself echo is never wanted.
    return html`<video part="video" autoplay playsinline muted .muted=${true} aria-label=${this.label || 'Your camera'}></video>`;
  }
}
