import { consume } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import { MediaStreamController } from '../../controllers/media-stream-controller.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { fallbackService } from '../service-lookup.js';
import { videoStyles } from '../shared.styles.js';

/**
 * @summary Shows one peer's video and plays its sound.
 * @csspart video - The internal `<video>` element.
 * @cssproperty [--rtc-video-object-fit=cover] - How the video fills its box.
 * @cssproperty [--rtc-video-background=#111] - The box's background while there is no video.
 * @cssproperty [--rtc-video-aspect-ratio=4 / 3] - The box's aspect ratio.
 * @cssproperty [--rtc-video-radius=8px] - The box's corner radius.
 */
export default class RtcRemoteVideo extends RtcElement {
  static override styles = videoStyles;

  /** The call's service; taken from the surrounding `<rtc-call>`, or the page's default. */
  @consume({ context: rtcServiceContext, subscribe: true })
  @property({ attribute: false })
  service?: RtcService;

  /** The peer to show, by connection id. Without it, the first peer with a stream. */
  @property({ reflect: true }) peer: string | null = null;

  private readonly media = new MediaStreamController(this, () => this.renderRoot?.querySelector('video') ?? null);
  private readonly subscription = new ServiceSubscriptionController(this, {
    remotestream: () => this.media.setStream(this.pick()),
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

  protected override render() {
    return html`<video part="video" autoplay playsinline aria-label="Remote video"></video>`;
  }

  private pick(): MediaStream | null {
    const streams = this.service?.remoteStreams;
    if (!streams) return null;
    if (this.peer) return streams.get(this.peer) ?? null;
    return streams.values().next().value ?? null;
  }
}
