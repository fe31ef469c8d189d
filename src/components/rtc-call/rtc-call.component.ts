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
import type { Strings } from '../../localize/strings.js';
import type { CallState } from '../../services/rtc/call-state.js';
import type { CallStats } from '../../services/rtc/call-stats.js';
import type { RtcError } from '../../services/rtc/rtc-error.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import { RtcService, type CallVariant, type PeerInfo } from '../../services/rtc/rtc-service.js';
import type { CurrentInvitation } from '../../services/invitations/invitations.js';
import { CallScreenController } from '../call-screen/call-screen-controller.js';
import { styles } from './rtc-call.styles.js';

/**
 * @summary A peer-to-peer video call with whoever else joins the same channel on the same hub.
 *
 * With no children it shows a call screen: a start panel, then the peers large (one fills the stage,
 * several make a grid), the self-view small in a corner, and a control bar (microphone, camera, screen,
 * devices, hang up); panels for ringing, calling, ended and failed; "Reconnecting…" over the stage. Its
 * language is its `lang`, else the nearest `lang` up the page (English, Korean, Spanish, Arabic), and
 * `strings` overrides any string. Put `<rtc-local-video>` and `<rtc-remote-video>` (and anything else)
 * inside it for your own layout.
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
 * @csspart screen - The call screen; `data-state` is the call's state.
 * @csspart stage - The area of the peers, the self-view, the panels and the overlay.
 * @csspart panel - The panel of the states that have one (idle, ready, calling, ringing, ended, failed).
 * @csspart start-button - Start (also "Start again" and "Try again" after a call).
 * @csspart call-button - Call, once in the channel.
 * @csspart accept-button - Accept an incoming invitation.
 * @csspart decline-button - Decline an incoming invitation.
 * @csspart cancel-button - Stop ringing someone.
 * @csspart overlay - "Connecting…" or "Reconnecting…" over the stage.
 * @csspart controls - The control bar.
 * @csspart mute-audio-button - Mute the microphone; `aria-pressed` while muted.
 * @csspart mute-video-button - Turn the camera off; `aria-pressed` while off.
 * @csspart screen-button - Share a screen; `aria-pressed` while sharing. Absent where the browser cannot.
 * @csspart devices-button - Open the devices menu; `aria-expanded` while open.
 * @csspart devices-menu - The devices menu.
 * @csspart camera-select - The camera to use, in the devices menu.
 * @csspart microphone-select - The microphone to use, in the devices menu.
 * @csspart speaker-select - The speaker to play the peers on. Absent where the browser cannot choose.
 * @csspart hangup-button - Hang up.
 * @csspart grid - `<rtc-peer-grid>`, when there are several peers.
 * @csspart tile - One peer's tile; `data-peer` is its id, `data-state` its connection state.
 * @csspart name - The peer's name over its video.
 * @csspart muted-badge - Beside the name while the peer's microphone is off.
 * @csspart quality - A peer's quality indicator; `data-level` is `good`, `fair` or `poor`, its tooltip the numbers.
 * @csspart remote-video - A peer's video.
 * @csspart self-view - The self-view, small in a corner and mirrored (also `local-video`).
 * @csspart local-video - The self-view.
 * @csspart play-button - "Click to play", over the peers' videos when the browser blocked autoplay (`then` variant; `<rtc-remote-video>` has its own).
 * @csspart error - The error message, when there is one.
 *
 * @cssproperty [--rtc-call-color=light-dark(#111,#eee)] - The text color.
 * @cssproperty [--rtc-call-background=light-dark(#eee,#222)] - Behind everything.
 * @cssproperty [--rtc-call-surface=light-dark(#fff,#444)] - Panels, menus and the control bar's buttons.
 * @cssproperty [--rtc-call-accent=light-dark(#1d4ed8,#93c5fd)] - Main buttons and the focus ring.
 * @cssproperty [--rtc-call-on-accent=light-dark(#fff,#000)] - Text on the accent color.
 * @cssproperty [--rtc-call-danger=#dc2626] - Hang up, Decline, Cancel and errors.
 * @cssproperty [--rtc-call-success=#15803d] - Accept.
 * @cssproperty [--rtc-call-stage=light-dark(#ccc,#000)] - The stage and a tile without video.
 * @cssproperty [--rtc-call-scrim=#000a] - Behind names and indicators over video, and the overlay.
 * @cssproperty [--rtc-call-gap=0.75rem] - Space between the parts.
 * @cssproperty [--rtc-call-radius=12px] - The corner radius of tiles, panels and menus.
 * @cssproperty [--rtc-call-button-size=3rem] - The control bar's buttons.
 * @cssproperty [--rtc-call-self-size=clamp(5rem,25%,11rem)] - The width of the self-view.
 * @cssproperty [--rtc-call-min-height=26rem] - The least height of the call screen.
 * @cssproperty [--rtc-call-color-scheme=light dark] - `light` or `dark` to force one theme.
 * @cssproperty [--rtc-call-font=1rem/1.5 system-ui,sans-serif] - The font.
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
    strings: { attribute: false },
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

  /** Your own words for any string of the call screen, over its language's table (`{name}` and the like are filled in). */
  strings: Partial<Strings> | null = null;

  /**
   * The WebRTC service of this call. Every `<rtc-call>` makes its own, so two calls on a page never mix;
   * give several elements the same service to make them one call.
   */
  service: RtcService = new RtcService();

  // A controller rather than the @provide decorator: the same provider, with fewer bundle bytes.
  readonly #provider = new ContextProvider(this, { context: rtcServiceContext, initialValue: this.service });

  private hasChildren = false;

  /** A failure of the element's own (a chunk that did not load) is its `rtc-error`. */
  readonly #report = (error: RtcError) => void this.dispatchEvent(new RtcErrorEvent(error));

  /** The `then` variant's own videos on the default page, loaded with the variant. */
  readonly #thenView = new LazyPart(this, "the 'then' variant", () => import('./then-view.js').then((m) => m.thenView(this)), this.#report);
  /** The default page: its language, live region, devices menu and grid. */
  readonly #screen = new CallScreenController(this, this.#report);
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
      // `ended` too: a call that ended because its peers left keeps its camera and hub link to answer the
      // next offer, and only a hangup lets them go. (A hangup is harmless to repeat.)
      if (this.state !== 'idle') void this.service.hangup();
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
    const service = this.service;
    if (this.hasChildren) {
      return html`<slot></slot>${service.error ? html`<p part="error" role="alert">${service.error.message}</p>` : nothing}`;
    }
    // Each control runs its action; a failure is already an `rtc-error` and shown in the error part.
    const run = (action: () => Promise<unknown>) => () => void action().catch(() => {});
    return this.#screen.render(
      service,
      {
        start: run(() => this.start()),
        call: run(() => this.call()),
        hangup: run(() => this.hangup()),
        // Through the element's properties, so `audio-muted` and `video-muted` follow.
        setMuted: (kind, muted) => (this[`${kind}Muted`] = muted),
        shareScreen: (on) => run(() => (on ? this.shareScreen() : this.stopScreenShare()))(),
        selectDevice: (kind, id) => run(() => this.selectDevice(kind, id))(),
        accept: run(() => this.accept()),
        decline: run(() => this.decline()),
        cancel: run(() => this.cancel()),
      },
      // The then variant's videos while its chunk loads: none (its engine fills only its own).
      this.variant === 'then' ? (this.#then()?.screen ?? { peers: () => nothing, self: () => nothing }) : null,
      !!this.channel,
    );
  }

  /** The `then` variant's part of the default page, once loaded; none in the other variant, or with children. */
  #then() {
    return this.variant === 'then' && !this.hasChildren ? this.#thenView.get() : null;
  }

  #updateChildren(): void {
    this.hasChildren = this.childElementCount > 0;
  }
}

/** The element's properties that are the service's settings, by the same names. */
const CONFIGURED = ['hubUrl', 'channel', 'variant', 'iceServers', 'iceServersUrl', 'iceTransportPolicy', 'tokenUrl', 'accessTokenFactory', 'maxBitrate', 'reachable', 'displayName', 'maxFileSize'] as const;

