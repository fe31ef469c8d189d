import { provide } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcErrorEvent } from '../../events/rtc-error.js';
import { RtcPeerJoinEvent } from '../../events/rtc-peer-join.js';
import { RtcPeerLeaveEvent } from '../../events/rtc-peer-leave.js';
import { RtcRemoteStreamEvent } from '../../events/rtc-remote-stream.js';
import { RtcSignalingStateEvent } from '../../events/rtc-signaling-state.js';
import { RtcStateChangeEvent } from '../../events/rtc-state-change.js';
import { RtcElement } from '../../internal/rtc-element.js';
import type { CallState } from '../../services/rtc/call-state.js';
import type { RtcError } from '../../services/rtc/rtc-error.js';
import { getDefaultRtcService, rtcServiceContext } from '../../services/rtc/context.js';
import type { CallVariant, RtcService } from '../../services/rtc/rtc-service.js';
import { styles } from './rtc-call.styles.js';
import { ThenCallEngine } from './then-variant.js';

/**
 * @summary A peer-to-peer video call with whoever else joins the same channel on the same hub.
 *
 * With no children it shows the seed's page: the channel, Start, Call and Hang Up, and both videos.
 * Put `<rtc-local-video>` and `<rtc-remote-video>` (and anything else) inside it for your own layout.
 *
 * @event {RtcStateChangeEvent} rtc-state-change - The call moved to a new `state`.
 * @event {RtcErrorEvent} rtc-error - Something failed; `detail.code` says what, `detail.message` says it for people.
 * @event {RtcRemoteStreamEvent} rtc-remote-stream - A peer's media arrived (or went, with `stream` null).
 * @event {RtcPeerJoinEvent} rtc-peer-join - A peer joined the channel.
 * @event {RtcPeerLeaveEvent} rtc-peer-leave - A peer left the channel.
 * @event {RtcSignalingStateEvent} rtc-signaling-state - The link to the hub changed.
 *
 * @slot - Your own layout, replacing the default page.
 *
 * @csspart base - The wrapper of the default page.
 * @csspart controls - The row with the channel field and the buttons.
 * @csspart channel - The channel text field.
 * @csspart start-button - The Start button.
 * @csspart call-button - The Call button.
 * @csspart hangup-button - The Hang Up button.
 * @csspart status - The line that says the state.
 * @csspart videos - The box around both videos.
 * @csspart local-video - The local video.
 * @csspart remote-video - The remote video.
 * @csspart error - The error message, when there is one.
 *
 * @cssproperty [--rtc-call-gap=0.75rem] - Space between the parts.
 * @cssproperty [--rtc-call-accent=#2563eb] - The color of the buttons.
 * @cssproperty [--rtc-call-danger=#dc2626] - The color of Hang Up.
 * @cssproperty [--rtc-call-error-color=#b91c1c] - The color of the error message.
 * @cssproperty [--rtc-call-font=inherit] - The font of the controls.
 */
export default class RtcCall extends RtcElement {
  static override styles = styles;

  /** The hub's URL, absolute or relative to the page. */
  @property({ attribute: 'hub-url' }) hubUrl = '/messagehub';

  /** The channel to join; both peers use the same one. */
  @property() channel = '';

  /** `async` (the default) signals with `SignalWebRtc`; `then` with `Offer`, `Answer` and `Candidate`. */
  @property() variant: CallVariant = 'async';

  /** Fetch `{iceServers}` from this URL before each call, so TURN credentials are always fresh. */
  @property({ attribute: 'ice-servers-url' }) iceServersUrl: string | null = null;

  /** ICE servers given directly, as `RTCIceServer` objects. */
  @property({ attribute: false }) iceServers: RTCIceServer[] | null = null;

  /** `all` (the default) or `relay`, to allow only TURN-relayed paths. */
  @property({ attribute: 'ice-transport-policy' }) iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** The WebRTC service this call uses. Without one, the page's default service. */
  @provide({ context: rtcServiceContext })
  @property({ attribute: false })
  service: RtcService = getDefaultRtcService();

  @state() private hasChildren = false;

  private thenEngine: ThenCallEngine | null = null;
  private readonly childObserver = typeof MutationObserver === 'undefined' ? null : new MutationObserver(() => this.updateChildren());

  private readonly subscription = new ServiceSubscriptionController(this, {
    statechange: ({ detail }) => this.dispatchEvent(new RtcStateChangeEvent(detail)),
    error: ({ detail }) => this.dispatchEvent(new RtcErrorEvent(detail.error)),
    remotestream: ({ detail }) => this.dispatchEvent(new RtcRemoteStreamEvent(detail)),
    peerjoin: ({ detail }) => this.dispatchEvent(new RtcPeerJoinEvent(detail)),
    peerleave: ({ detail }) => this.dispatchEvent(new RtcPeerLeaveEvent(detail)),
    signalingstate: ({ detail }) => this.dispatchEvent(new RtcSignalingStateEvent(detail)),
  });

  /**
   * Where the call is: `idle`, `ready`, `connecting`, `connected`, `ended` or `failed`. Read-only, and
   * reflected as the `state` attribute for CSS.
   * @attr state
   */
  get state(): CallState {
    return this.service.state;
  }

  /** The last error, while the call is `failed`. */
  get error(): RtcError | null {
    return this.service.error;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.childObserver?.observe(this, { childList: true });
    this.updateChildren();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.childObserver?.disconnect();
    // Removed from the page (a route change, a framework unmount): end the call and free the camera.
    // A move within the page reconnects in the same task, so wait one task before deciding.
    setTimeout(() => {
      if (this.isConnected) return;
      // The then variant puts streams straight into its own <video>s; a removed call lets them go.
      for (const video of this.renderRoot.querySelectorAll('video')) video.srcObject = null;
      if (this.state !== 'idle' && this.state !== 'ended') void this.service.hangup();
    });
  }

  /** Opens the camera and microphone and joins the channel. Resolves in `ready`. */
  async start(): Promise<void> {
    // Properties set before the element upgraded are applied in its first update: wait for it.
    await this.updateComplete;
    this.configureService();
    if (this.thenEngine) return this.thenEngine.start();
    return this.service.start();
  }

  /** Calls the peer in the channel. Resolves once `connected`; rejects with the error if the call fails. */
  async call(): Promise<void> {
    await this.updateComplete;
    this.configureService();
    if (this.thenEngine && (this.state === 'idle' || this.state === 'failed')) await this.thenEngine.start();
    return this.service.call();
  }

  /** Ends the call and leaves the channel. Harmless to call again. */
  async hangup(): Promise<void> {
    await this.updateComplete;
    await this.service.hangup();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) {
      this.subscription.setService(this.service);
      const previous = changed.get('service') as RtcService | undefined;
      if (previous && this.thenEngine) previous.useEngine(null);
      this.thenEngine = null;
    }
    if (changed.has('service') || changed.has('variant')) this.applyVariant();
    this.configureService();
  }

  protected override updated(): void {
    // `state` is the service's; it is reflected here so CSS can select on it.
    if (this.getAttribute('state') !== this.state) this.setAttribute('state', this.state);
  }

  protected override render() {
    const error = this.service.error;
    const errorPart = error ? html`<p part="error" role="alert">${error.message}</p>` : nothing;
    if (this.hasChildren) return html`<slot></slot>${errorPart}`;
    const state = this.state;
    const busy = state === 'connecting' || state === 'connected' || state === 'reconnecting';
    const canStart = state === 'idle' || state === 'ended' || state === 'failed';
    const canCall = state === 'ready' || state === 'ended';
    const canHangup = state !== 'idle' && state !== 'ended';
    const videos =
      this.variant === 'then'
        ? html`<video part="local-video" class="video" autoplay playsinline muted .muted=${true} aria-label="Your camera"></video>
            <video part="remote-video" class="video" autoplay playsinline aria-label="Remote video"></video>`
        : html`<rtc-local-video part="local-video"></rtc-local-video><rtc-remote-video part="remote-video"></rtc-remote-video>`;
    return html`
      <div part="base" class="base">
        <div part="controls" class="controls">
          <label class="channel">
            <span>Channel</span>
            <input
              part="channel"
              .value=${this.channel}
              ?disabled=${busy}
              autocomplete="off"
              @input=${(e: Event) => (this.channel = (e.target as HTMLInputElement).value)}
            />
          </label>
          <button part="start-button" type="button" ?disabled=${!canStart || !this.channel} aria-label="Start: open the camera and join the channel" @click=${() => this.run(() => this.start())}>
            Start
          </button>
          <button part="call-button" type="button" ?disabled=${!canCall} aria-label="Call the other person in the channel" @click=${() => this.run(() => this.call())}>
            Call
          </button>
          <button part="hangup-button" type="button" ?disabled=${!canHangup} aria-label="Hang up and leave the channel" @click=${() => this.run(() => this.hangup())}>
            Hang Up
          </button>
        </div>
        <p part="status" class="status" role="status">${STATE_LABELS[state]}</p>
        <div part="videos" class="videos">${videos}</div>
        ${errorPart}
      </div>
    `;
  }

  /** Runs a button's action. Its failure is already an `rtc-error` event and shown in the error part. */
  private run(action: () => Promise<void>): void {
    action().catch(() => {});
  }

  private configureService(): void {
    this.service.configure({
      hubUrl: this.hubUrl,
      channel: this.channel,
      variant: this.variant,
      iceServers: this.iceServers,
      iceServersUrl: this.iceServersUrl,
      iceTransportPolicy: this.iceTransportPolicy,
    });
  }

  private applyVariant(): void {
    if (this.variant === 'then') {
      this.thenEngine ??= new ThenCallEngine(this.service, () => ({
        local: this.renderRoot?.querySelector<HTMLVideoElement>('video[part="local-video"]') ?? null,
        remote: this.renderRoot?.querySelector<HTMLVideoElement>('video[part="remote-video"]') ?? null,
      }));
      this.service.useEngine(this.thenEngine);
    } else if (this.thenEngine) {
      this.thenEngine = null;
      this.service.useEngine(null);
    }
  }

  private updateChildren(): void {
    this.hasChildren = this.childElementCount > 0;
  }
}

const STATE_LABELS: Record<CallState, string> = {
  idle: 'Not started.',
  ready: 'Ready: camera on, waiting in the channel.',
  connecting: 'Connecting…',
  connected: 'In a call.',
  reconnecting: 'Reconnecting: the path to the peer broke, trying again…',
  ended: 'Call ended.',
  failed: 'The call failed.',
};
