import { ContextProvider } from '@lit/context';
import { html, nothing, type PropertyValues } from 'lit';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcErrorEvent } from '../../events/rtc-error.js';
import { RtcFileEvent } from '../../events/rtc-file.js';
import { RtcFileProgressEvent } from '../../events/rtc-file-progress.js';
import { RtcMessageEvent } from '../../events/rtc-message.js';
import { RtcInvitationEvent } from '../../events/rtc-invitation.js';
import { RtcInvitationEndEvent } from '../../events/rtc-invitation-end.js';
import { RtcPeerJoinEvent } from '../../events/rtc-peer-join.js';
import { RtcPeerLeaveEvent } from '../../events/rtc-peer-leave.js';
import { RtcPeerStateEvent } from '../../events/rtc-peer-state.js';
import { RtcRemoteStreamEvent } from '../../events/rtc-remote-stream.js';
import { RtcSignalingStateEvent } from '../../events/rtc-signaling-state.js';
import { RtcStateChangeEvent } from '../../events/rtc-state-change.js';
import { RtcStatsEvent } from '../../events/rtc-stats.js';
import { LazyPart } from '../../internal/lazy-part.js';
import { RtcElement } from '../../internal/rtc-element.js';
import type { CallState } from '../../services/rtc/call-state.js';
import type { CallStats } from '../../services/rtc/call-stats.js';
import type { RtcError } from '../../services/rtc/rtc-error.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import { RtcService, type CallVariant, type PeerInfo } from '../../services/rtc/rtc-service.js';
import type { CurrentInvitation } from '../../services/invitations/invitations.js';
import { styles } from './rtc-call.styles.js';

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
 * @event {RtcPeerStateEvent} rtc-peer-state - The connection with one peer changed: `detail.peerId`, `detail.state`.
 * @event {RtcSignalingStateEvent} rtc-signaling-state - The link to the hub changed.
 * @event {RtcInvitationEvent} rtc-invitation - Someone rings (`detail.invitationId`, `from`, `name`, `info`). Cancelable: `preventDefault()` to answer yourself; else a call in progress answers `busy`.
 * @event {RtcInvitationEndEvent} rtc-invitation-end - An invitation ended: `detail.reason` is `accept`, `decline`, `busy`, `timeout`, `unavailable`, `cancelled` or `answered-elsewhere`.
 * @event {RtcMessageEvent} rtc-message - A peer's chat message: `detail.from`, `name`, `text`, `at`.
 * @event {RtcFileProgressEvent} rtc-file-progress - A file moved on: `{id, sent, size}` on the sender, `{id, from, received, size}` on a receiver.
 * @event {RtcFileEvent} rtc-file - A file arrived whole, its SHA-256 checked: `{id, from, name, size, type, blob}`.
 * @event {RtcStatsEvent} rtc-stats - Every 2 s per connected peer: `peerId`, `rtt` (ms), `bitrateIn`/`bitrateOut` (bit/s), `packetLoss` (0–1), `fps`, `width`, `height`, `candidateType`.
 *
 * @slot - Your own layout, replacing the default page.
 *
 * @csspart base - The wrapper of the default page.
 * @csspart controls - The row with the channel field and the buttons.
 * @csspart channel - The channel text field.
 * @csspart start-button - The Start button.
 * @csspart call-button - The Call button.
 * @csspart hangup-button - The Hang Up button.
 * @csspart mute-audio-button - Mute the microphone; `aria-pressed` while muted.
 * @csspart mute-video-button - Turn the camera off; `aria-pressed` while off.
 * @csspart screen-button - Share a screen; `aria-pressed` while sharing. Absent where the browser cannot.
 * @csspart camera-select - The camera to use.
 * @csspart microphone-select - The microphone to use.
 * @csspart speaker-select - The speaker to play the peer on. Absent where the browser cannot choose.
 * @csspart quality - The call quality line, with `show-quality`; `data-level` is `good`, `fair` or `poor`.
 * @csspart play-button - "Click to play", over the remote video when the browser blocked autoplay (`then` variant; `<rtc-remote-video>` has its own).
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
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = {
    hubUrl: { attribute: 'hub-url' },
    channel: {},
    variant: {},
    iceServersUrl: { attribute: 'ice-servers-url' },
    iceServers: { attribute: false },
    iceTransportPolicy: { attribute: 'ice-transport-policy' },
    tokenUrl: { attribute: 'token-url' },
    maxBitrate: { attribute: 'max-bitrate', type: Number },
    accessTokenFactory: { attribute: false },
    reachable: { type: Boolean },
    displayName: { attribute: 'display-name' },
    maxFileSize: { attribute: 'max-file-size', type: Number },
    audioMuted: { type: Boolean, reflect: true, attribute: 'audio-muted' },
    videoMuted: { type: Boolean, reflect: true, attribute: 'video-muted' },
    showQuality: { type: Boolean, attribute: 'show-quality' },
    service: { attribute: false },
    hasChildren: { state: true },
  };

  /** The hub's URL, absolute or relative to the page. */
  hubUrl = '/messagehub';

  /** The channel to join; both peers use the same one. */
  channel = '';

  /** `async` (the default) signals with `SignalWebRtc`; `then` with `Offer`, `Answer` and `Candidate`. */
  variant: CallVariant = 'async';

  /** Fetch `{iceServers}` from this URL before each call, so TURN credentials are always fresh. */
  iceServersUrl: string | null = null;

  /** ICE servers given directly, as `RTCIceServer` objects. */
  iceServers: RTCIceServer[] | null = null;

  /** `all` (the default) or `relay`, to allow only TURN-relayed paths. */
  iceTransportPolicy: RTCIceTransportPolicy = 'all';

  /** Where the access token comes from, when the hub asks for one: a GET with the page's cookies that answers `{"token": "..."}`. */
  tokenUrl: string | null = null;

  /** Or a function that gives the access token (or a promise of it); it wins over `token-url`. Asked again on every reconnect. */
  accessTokenFactory: (() => string | Promise<string>) | null = null;

  /** The upstream video budget in bits per second, shared by all peers: each gets `max-bitrate / peers`. */
  maxBitrate = 2_500_000;

  /** Stays connected to the hub while idle (and after a hangup), so that invitations reach this call. */
  reachable = false;

  /** The name the peers see; without it, the access token's `name`. */
  displayName: string | null = null;

  /** The largest file sent or accepted, in bytes; default 100 MB (104,857,600). */
  maxFileSize = 100 * 1024 * 1024;

  /** Mutes the microphone: the peer hears nothing. Reflected as `audio-muted`. */
  audioMuted = false;

  /** Turns the camera off: the peer gets no video frames. Reflected as `video-muted`. */
  videoMuted = false;

  /** Shows a line with the call's quality (round-trip time, bitrate, frame rate, resolution, path) while connected. */
  showQuality = false;

  /**
   * The WebRTC service of this call. Every `<rtc-call>` makes its own, so two calls on a page never mix;
   * give several elements the same service to make them one call.
   */
  service: RtcService = new RtcService();

  // A controller rather than the @provide decorator: the same provider, with fewer bundle bytes.
  readonly #provider = new ContextProvider(this, { context: rtcServiceContext, initialValue: this.service });

  private hasChildren = false;

  /** The `then` variant's own remote video: its autoplay and speaker. */
  /** The `then` variant's own videos on the default page, loaded with the variant. */
  readonly #thenView = this.#lazy("the 'then' variant", () => import('./then-view.js').then((m) => m.thenView(this)));
  readonly #deviceSelects = this.#lazy('the device selects', () => import('./device-selects.js').then((m) => m.deviceSelects));
  readonly #qualityLine = this.#lazy('the quality line', () => import('./quality-line.js').then((m) => m.qualityLine));
  readonly #childObserver = typeof MutationObserver === 'undefined' ? null : new MutationObserver(() => this.#updateChildren());

  readonly #subscription = new ServiceSubscriptionController(this, {
    statechange: ({ detail }) => this.dispatchEvent(new RtcStateChangeEvent(detail)),
    error: ({ detail }) => this.dispatchEvent(new RtcErrorEvent(detail.error, detail)),
    message: ({ detail }) => this.dispatchEvent(new RtcMessageEvent(detail)),
    fileprogress: ({ detail }) => this.dispatchEvent(new RtcFileProgressEvent(detail)),
    file: ({ detail }) => this.dispatchEvent(new RtcFileEvent(detail)),
    remotestream: ({ detail }) => this.dispatchEvent(new RtcRemoteStreamEvent(detail)),
    peerjoin: ({ detail }) => this.dispatchEvent(new RtcPeerJoinEvent(detail)),
    peerleave: ({ detail }) => this.dispatchEvent(new RtcPeerLeaveEvent(detail)),
    peerstate: ({ detail }) => this.dispatchEvent(new RtcPeerStateEvent(detail)),
    signalingstate: ({ detail }) => this.dispatchEvent(new RtcSignalingStateEvent(detail)),
    stats: ({ detail }) => this.dispatchEvent(new RtcStatsEvent({ ...detail.stats, peerId: detail.peerId })),
    peerschange: () => {},
    invitation: (event) => {
      // The page's preventDefault() on the element's event is the service's.
      if (!this.dispatchEvent(new RtcInvitationEvent(event.detail))) event.preventDefault();
    },
    invitationend: ({ detail }) => this.dispatchEvent(new RtcInvitationEndEvent(detail)),
    mediachange: () => {
      this.audioMuted = this.service.audioMuted;
      this.videoMuted = this.service.videoMuted;
    },
  });

  /**
   * Where the call is: `idle`, `ready`, `connecting`, `connected`, `reconnecting`, `ended` or `failed`.
   * Read-only, and reflected as the `state` attribute for CSS.
   * @attr state
   */
  get state(): CallState {
    return this.service.state;
  }

  /** The last error, while the call is `failed`. */
  get error(): RtcError | null {
    return this.service.error;
  }

  /**
   * Whether a screen is shared in place of the camera. Read-only, reflected as `screen-sharing`.
   * @attr screen-sharing
   */
  get screenSharing(): boolean {
    return !!this.service.screenStream;
  }

  /** The cameras, microphones and speakers the browser lists (after `start()`, when it may show their names). */
  get devices(): MediaDeviceInfo[] {
    return this.service.devices;
  }

  /** The last `rtc-stats` report of the first connected peer. */
  get stats(): CallStats | null {
    return this.service.stats;
  }

  /** One entry per remote peer of the call: `{id, state, name, stream, stats, audioMuted, videoMuted}`. */
  get peers(): PeerInfo[] {
    return this.service.peers;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#childObserver?.observe(this, { childList: true });
    this.#updateChildren();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#childObserver?.disconnect();
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
    return this.service.start();
  }

  /** Calls everyone else in the channel. Resolves once `connected`; rejects with the error if the call fails. */
  async call(): Promise<void> {
    await this.updateComplete;
    return this.service.call();
  }

  /** Ends the call and leaves the channel. Harmless to call again. */
  async hangup(): Promise<void> {
    await this.updateComplete;
    await this.service.hangup();
  }

  /** The invitation ringing now, in or out (`{id, direction, from, name, info, channel}`); null when none. */
  get invitation(): CurrentInvitation | null {
    return this.service.invitation;
  }

  /** Rings a signed-in user: state `calling`. When they accept, both join a fresh channel and connect. Resolves with the invitation's id. */
  invite(userId: string, info?: unknown): Promise<string> {
    return this.service.invite(userId, info);
  }

  /** Accepts the invitation that rings: both join its channel and connect. */
  accept(): Promise<void> {
    return this.service.accept();
  }

  /** Declines the invitation that rings. */
  decline(): Promise<void> {
    return this.service.decline();
  }

  /** Stops ringing someone. */
  cancel(): Promise<void> {
    return this.service.cancel();
  }

  /** Sends a chat message to every peer in the call; rejects with `message-too-large` above 16 KB of UTF-8. */
  sendMessage(text: string): Promise<void> {
    return this.service.sendMessage(text);
  }

  /** Sends a file to every peer in the call; resolves with its id once each peer verified it. The id comes at once in the first `rtc-file-progress`. */
  sendFile(file: Blob): Promise<string> {
    return this.service.sendFile(file);
  }

  /** Cancels a file, sent or being received: both sides get `file-failed`. */
  cancelFile(id: string): void {
    this.service.cancelFile(id);
  }

  /** Uses this camera (`videoinput`) or microphone (`audioinput`) from `devices`, even mid-call; or this speaker (`audiooutput`). */
  selectDevice(kind: MediaDeviceKind, deviceId: string): Promise<void> {
    return this.service.selectDevice(kind, deviceId);
  }

  /** Shares a screen in place of the camera; the user picks it, unless a `stream` is given (a canvas's `captureStream()`). */
  shareScreen(stream?: MediaStream): Promise<void> {
    return this.service.shareScreen(stream);
  }

  /** Stops screen sharing; the camera goes out again. */
  stopScreenShare(): Promise<void> {
    return this.service.stopScreenShare();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) {
      this.#provider.setValue(this.service);
      this.#subscription.setService(this.service);
    }
    // What the page set goes to the service: everything at first or with a new service, then what changed.
    // (An accepted invitation moves the service to a channel of its own; the element's `channel` stays.)
    const all = !this.hasUpdated || changed.has('service');
    this.service.configure({
      ...Object.fromEntries(CONFIGURED.filter((key) => all || changed.has(key)).map((key) => [key, this[key]])),
      // The then variant shows the streams in the default page's own videos.
      videos: this.#then()?.videos ?? null,
    });
    if (this.reachable && (all || changed.has('reachable'))) this.service.connect().catch((error: RtcError) => this.dispatchEvent(new RtcErrorEvent(error)));
    // The element's mute settings (attributes, properties, buttons) go to the service; the service's own
    // changes come back through `mediachange`. On first render or with a new service, a mute on either side wins.
    const service = this.service;
    for (const kind of ['audio', 'video'] as const) {
      const key = `${kind}Muted` as const;
      if (!this.hasUpdated || changed.has('service')) this[key] ||= service[key];
      if (this[key] !== service[key]) void service.setMuted(kind, this[key]);
    }
  }

  protected override updated(): void {
    // `state` is the service's; it is reflected here so CSS can select on it.
    if (this.getAttribute('state') !== this.state) this.setAttribute('state', this.state);
    this.toggleAttribute('screen-sharing', this.screenSharing);
    this.#then()?.updated();
  }

  protected override render() {
    const { error, stats } = this.service;
    const errorPart = html`${error ? html`<p part="error" role="alert">${error.message}</p>` : nothing}${(this.showQuality && stats && this.#qualityLine.get()?.(stats)) || nothing}`;
    if (this.hasChildren) return html`<slot></slot>${errorPart}`;
    const state = this.state;
    const busy = state === 'connecting' || state === 'connected' || state === 'reconnecting';
    const canStart = state === 'idle' || state === 'ended' || state === 'failed';
    const canCall = state === 'ready' || state === 'ended';
    const canHangup = state !== 'idle' && state !== 'ended';
    const videos =
      this.variant === 'then' ? (this.#then()?.render() ?? nothing) : html`<rtc-local-video part="local-video"></rtc-local-video><rtc-remote-video part="remote-video"></rtc-remote-video>`;
    // Each button says what it does in its own text, which is also its name for assistive technology.
    const button = (part: string, label: string, enabled: boolean, action: () => Promise<void>) =>
      html`<button part=${part} type="button" ?disabled=${!enabled} @click=${() => this.#run(action)}>${label}</button>`;
    return html`
      <div part="base" class="base">
        <div part="controls" class="controls">
          <label class="channel">
            <span>Channel</span>
            <input part="channel" .value=${this.channel} ?disabled=${busy} autocomplete="off" @input=${(e: Event) => (this.channel = (e.target as HTMLInputElement).value)} />
          </label>
          ${button('start-button', 'Start', canStart && !!this.channel, () => this.start())} ${button('call-button', 'Call', canCall, () => this.call())}
          ${button('hangup-button', 'Hang Up', canHangup, () => this.hangup())} ${this.#renderMediaControls()}
        </div>
        <p part="status" class="status" role="status">${STATE_LABELS[state]}</p>
        <div part="videos" class="videos">${videos}</div>
        ${errorPart}
      </div>
    `;
  }

  /** Mute toggles, screen sharing where the browser has it, and device choice once the browser lists devices. */
  #renderMediaControls() {
    const service = this.service;
    const toggle = (part: string, label: string, pressed: boolean, onClick: () => unknown) =>
      html`<button part=${part} type="button" aria-pressed=${pressed ? 'true' : 'false'} @click=${onClick}>${label}</button>`;
    const canShare = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getDisplayMedia;
    // The selects load once the browser lists devices, after start().
    const selects = service.devices.length ? this.#deviceSelects.get() : null;
    return html`
      ${toggle('mute-audio-button', 'Mute mic', this.audioMuted, () => (this.audioMuted = !this.audioMuted))}
      ${toggle('mute-video-button', 'Camera off', this.videoMuted, () => (this.videoMuted = !this.videoMuted))}
      ${canShare ? toggle('screen-button', 'Share screen', this.screenSharing, () => this.#run(() => (this.screenSharing ? this.stopScreenShare() : this.shareScreen()))) : nothing}
      ${selects?.(service, (kind, id) => this.#run(() => this.selectDevice(kind, id))) ?? nothing}
    `;
  }

  /** The `then` variant's part of the default page, once loaded; none in the other variant, or with children. */
  #then() {
    return this.variant === 'then' && !this.hasChildren ? this.#thenView.get() : null;
  }


  /** Runs a button's action. Its failure is already an `rtc-error` event and shown in the error part. */
  #run(action: () => Promise<void>): void {
    action().catch(() => {});
  }

  /** A part of the default page that loads on first use; a failure is this call's rtc-error. */
  #lazy<T>(what: string, load: () => Promise<T>): LazyPart<T> {
    return new LazyPart(this, what, load, (error) => this.dispatchEvent(new RtcErrorEvent(error)));
  }

  #updateChildren(): void {
    this.hasChildren = this.childElementCount > 0;
  }
}

/** The element's properties that are the service's settings, by the same names. */
const CONFIGURED = ['hubUrl', 'channel', 'variant', 'iceServers', 'iceServersUrl', 'iceTransportPolicy', 'tokenUrl', 'accessTokenFactory', 'maxBitrate', 'reachable', 'displayName', 'maxFileSize'] as const;

const STATE_LABELS: Record<CallState, string> = {
  idle: 'Not started.',
  ready: 'Ready: in the channel.',
  connecting: 'Connecting…',
  connected: 'In a call.',
  reconnecting: 'Reconnecting…',
  calling: 'Calling…',
  ringing: 'Someone is calling.',
  ended: 'Call ended.',
  failed: 'The call failed.',
};
