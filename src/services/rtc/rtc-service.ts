import { callStateOf, canTransition, inCall, type CallState, type PeerState } from './call-state.js';
import type { CallStats } from './call-stats.js';
import type { CallEngine, CallVariant, EngineHost, VariantVideos } from './engines/call-engine.js';
import { AsyncEngine } from './engines/async-engine.js';
import type { SelectedCandidatePair } from './candidate-pair.js';
import { LocalMedia, mediaSwitching, type LocalMediaChange } from './local-media.js';
import { PeerLink, type LinkHost } from './peer-link.js';
import { SpareConnections } from './spare-connections.js';
import type { CurrentInvitation, Invitations } from '../invitations/invitations.js';
import { chunk, RtcError, toRtcError } from './rtc-error.js';
import { CountingEventTarget } from './service-events.js';
import { HubClient, type RejoinEvent, type SignalingState, type SignalingStateEvent, type UnauthorizedEvent } from '../signaling/hub-client.js';
import { decodeSignal, HubEvent, type Signal, type SignalType } from '../signaling/hub-contract.js';
import { accessTokens, tokenName, type AccessTokenFactory } from '../signaling/access-token.js';
import { CallData } from '../data/call-data.js';
import type { ChatHost } from '../data/chat-host.js';

export type { CallVariant };

export interface RtcServiceConfig {
  /** The hub, absolute or relative to the page. */
  hubUrl: string;
  /** The channel to join: everyone in it who calls is in one call. */
  channel: string;
  /** `async` signals with `SignalWebRtc`; `then` with `Offer`, `Answer` and `Candidate`. */
  variant: CallVariant;
  /** ICE servers given directly. */
  iceServers: RTCIceServer[] | null;
  /** Fetch `{ iceServers }` from here before each call, so TURN credentials are fresh. */
  iceServersUrl: string | null;
  iceTransportPolicy: RTCIceTransportPolicy;
  /** What to ask getUserMedia for. */
  media: MediaStreamConstraints;
  /** The element's own videos, for the `then` variant, which shows the streams in them itself. */
  videos: VariantVideos | null;
  /** Fetch `{"token"}` from here (with the page's cookies) when the hub asks for an access token. */
  tokenUrl: string | null;
  /** Or give the access token with this function; it wins over `tokenUrl`. */
  accessTokenFactory: AccessTokenFactory | null;
  /** The upstream video budget in bits per second, shared by all peers (contract section 7). */
  maxBitrate: number;
  /** Stay connected to the hub while idle, and after a hangup, so that invitations reach this call (section 9). */
  reachable: boolean;
  /** The name the peers see (section 10); else the access token's `name`. */
  displayName: string | null;
  /** The largest file sent or accepted, in bytes (section 10). */
  maxFileSize: number;
}

/** One remote peer of the call, as `peers` lists it. */
export interface PeerInfo {
  /** The peer's hub connection id, as in `Join(connectionId)` and every event's `peerId`. */
  readonly id: string;
  readonly state: PeerState;
  readonly stream: MediaStream | null;
  /** The last quality report of this peer, while connected. */
  readonly stats: CallStats | null;
  /** The RTCPeerConnection with this peer, for a page that wants to look closer (getStats); null while it opens. */
  readonly connection: RTCPeerConnection | null;
  /** The peer's display name, once its data channel said it; null for a peer without one (the seed's pages). */
  readonly name: string | null;
  /** Whether the peer's microphone or camera is off, as the peer says over the data channel. */
  readonly audioMuted: boolean;
  readonly videoMuted: boolean;
}

const DEFAULT_CONFIG: RtcServiceConfig = {
  hubUrl: '/messagehub',
  channel: '',
  variant: 'async',
  iceServers: null,
  iceServersUrl: null,
  iceTransportPolicy: 'all',
  media: { video: true, audio: true },
  videos: null,
  tokenUrl: null,
  accessTokenFactory: null,
  maxBitrate: 2_500_000,
  reachable: false,
  displayName: null,
  maxFileSize: 100 * 1024 * 1024,
};

const loadIceConfig = () => chunk('the ICE server settings', import('./ice-config.js'));

const INVITATION_EVENTS = [HubEvent.Invitation, HubEvent.InvitationAnswered, HubEvent.InvitationClosed];

/** The bitrate a connection's video starts at, in kbit/s, where the budget allows (start-bitrate.ts). */
const START_KBPS = 2_000;

/** How long a member that joined a call waits for an offer from one with a smaller id before it offers itself. */
const MESH_OFFER_WAIT_MS = 1_500;

/** How many candidates that came before their offer are kept, at most: a peer sends a handful. */
const MAX_EARLY_CANDIDATES = 64;

/**
 * How long after a change of peers their shares of the upstream budget are set (contract: within a
 * second). Reading a sender's parameters waits on the browser's WebRTC thread, which is busiest while a
 * group comes together: at 250 ms the caps fell in the middle of a newcomer's setup (bench/group-setup,
 * 4% to 14% slower in three A/B runs).
 */
const BITRATE_SHARE_DELAY_MS = 800;

/** At most this many spare connections (#makeSpares): one for each other member of a full channel. */
const MAX_SPARES = 5;

/** The engine of each variant, made on first use. The `then` variant is a chunk of its own. */
const ENGINES: Record<CallVariant, () => Promise<new (host: EngineHost) => CallEngine>> = {
  async: async () => AsyncEngine,
  then: () => chunk("the 'then' variant", import('./engines/then-engine.js')).then((m) => m.ThenEngine),
};

/**
 * The WebRTC service of one call: local media, a peer link per remote peer, and the link to the hub.
 * Every `<rtc-call>` makes its own; the elements inside it get it through `@lit/context`. It is an
 * EventTarget: elements listen while connected and stop when removed, so nothing keeps a removed element
 * alive. Its state is read-only from outside, and moves only through the call-state table, on evidence.
 */
export class RtcService extends CountingEventTarget implements ChatHost {
  #state: CallState = 'idle';
  #error: RtcError | null = null;
  config: RtcServiceConfig = { ...DEFAULT_CONFIG };
  #signaling: HubClient | null = null;
  /** The others in the channel, by connection id, as the hub said. */
  readonly #members = new Set<string>();
  /** Whether the hub lists the members (rtc-kit's hub) or only announces them (the seed's). */
  #membersListed = false;
  #links: PeerLink[] = [];
  /** Candidates that came before the offer they belong to, from peers we have no link with yet. */
  #early: Signal[] = [];
  #engine: CallEngine | null = null;
  #engineVariant: CallVariant | null = null;
  #starting: Promise<void> | null = null;
  #unsubscribe: Array<() => void> = [];
  /** Our call tag: random per start, kept across hub reconnects, so that peers still know us. */
  #tag = '';
  /** The ICE servers of this call, fetched once at start; restarts fetch fresh ones. */
  #iceServers: Promise<RTCIceServer[]> | null = null;
  #invites: Promise<Invitations> | null = null;
  #invitesLoaded: Invitations | null = null;
  /** Connections made ahead, with our media on them, for the next peer links (#connection). */
  readonly #spares = new SpareConnections(
    async () => {
      const pc = new RTCPeerConnection(await this.#rtcConfiguration());
      this.#media.attach(pc, false);
      return pc;
    },
    (pc) => {
      this.#media.detach(pc);
      pc.close();
    },
  );
  /** A re-division of the upstream budget that is due (#shareBitrate). */
  #sharing: ReturnType<typeof setTimeout> | undefined;
  readonly #media = new LocalMedia(
    (change) => this.#mediaChanged(change),
    () => this.config.media,
  );

  /** Announces a problem as an `error` event, without a change of state. */
  readonly #report = (error: RtcError): void => void this.emit('error', { error });

  /** What each peer link may use of this call. */
  readonly #linkHost: LinkHost;
  /** The peers' `rtc-kit` data channels: names, mute state, chat and files. */
  readonly #data = new CallData({
    presence: () => ({
      name: this.config.displayName || tokenName(this.#signaling?.token) || null,
      audioMuted: this.#media.audioMuted,
      videoMuted: this.#media.videoMuted,
    }),
    maxFileSize: () => this.config.maxFileSize,
    peersChanged: () => this.#changed(),
    // The chat and file events are the service's own, by the same names.
    announce: (type, detail) => this.emit(type, detail as never),
  });

  constructor(config: Partial<RtcServiceConfig> = {}) {
    super();
    this.configure(config);
    this.#linkHost = {
      tag: () => this.#tag,
      connectionId: () => this.#signaling?.connectionId ?? null,
      // Fast, but within the budget: the congestion control takes over from there.
      startKbps: () => Math.min(START_KBPS, Math.floor(this.config.maxBitrate / 1000)),
      connection: (offering) => this.#connection(offering),
      rtcConfiguration: (fresh) => this.#rtcConfiguration(fresh),
      detachMedia: (pc) => this.#media.detach(pc),
      linkChanged: (link, what) => {
        if (what === 'stream') this.emit('remotestream', { stream: link.stream, peerId: link.id });
        else if (what === 'stats' && link.stats) this.emit('stats', { stats: link.stats, peerId: link.id });
        else if (what === 'state') {
          this.emit('peerstate', { peerId: link.id, state: link.state });
          this.#followPeers();
        }
        this.#changed();
      },
      linkChannel: (link, channel) => (channel ? this.#data.add(link, channel === 'coming' ? null : channel, () => link.id) : this.#data.remove(link)),
      connecting: () => this.#links.some((link) => link.state === 'connecting'),
      linkFailed: (link, error) => {
        // One peer failing ends only its own link; the call fails when no peer is left to talk to.
        if (this.#links.every((l) => l.state === 'failed')) this.fail(error);
        else this.#report(error);
      },
    };
  }

  /** Where the call is. Read-only: it moves only on evidence. */
  get state(): CallState {
    return this.#state;
  }

  /** The last error, while the call is `failed` (or since a non-fatal problem, until the next state). */
  get error(): RtcError | null {
    return this.#error;
  }

  /** The link to the hub, while started. */
  get signaling(): HubClient | null {
    return this.#signaling;
  }

  configure(config: Partial<RtcServiceConfig>): void {
    const before = this.config;
    this.config = { ...before, ...stripUndefined(config) };
    const changed = (key: keyof RtcServiceConfig) => this.config[key] !== before[key];
    if (changed('maxBitrate')) this.#shareBitrate();
    if (changed('displayName')) this.#data.presenceChanged();
    // Once started, new ICE settings apply to the next connection; a spare made with the old ones is no use.
    if (this.#iceServers && (['iceServers', 'iceServersUrl', 'iceTransportPolicy'] as const).some(changed)) {
      this.#loadIceServers();
      const spares = this.#spares.size;
      this.#spares.drop();
      this.#spares.fill(spares);
    }
  }

  /**
   * Fetches (ice-servers-url) or checks (iceServers) the ICE servers; errors show when a call needs them.
   * A call on one machine or one LAN needs none, so the code for them is a chunk, loaded only when given.
   */
  #loadIceServers(): void {
    const { iceServers, iceServersUrl } = this.config;
    const loaded = (this.#iceServers = iceServersUrl
      ? this.#fetchIceServers(iceServersUrl)
      : iceServers
        ? loadIceConfig().then((m) => m.validateIceServers(iceServers))
        : Promise.resolve([]));
    loaded.catch(() => {});
  }

  /** Fetches `{ iceServers }` from `url` (the chunk asks for the access token). */
  #fetchIceServers(url: string): Promise<RTCIceServer[]> {
    return loadIceConfig().then((m) => m.fetchIceServers(url, this.#tokens()));
  }

  /** Where the access token comes from, for the hub and its other routes (/ice-servers); null for an open hub. */
  #tokens(): AccessTokenFactory | null {
    const { tokenUrl, accessTokenFactory } = this.config;
    return accessTokens(tokenUrl, accessTokenFactory);
  }

  // ----- The call ----------------------------------------------------------------------------------

  /** Opens local media and joins the channel. Resolves in `ready`. */
  async start(): Promise<void> {
    if (this.#signaling && (this.#state === 'ready' || inCall(this.#state))) return;
    this.#starting ??= this.#start().finally(() => (this.#starting = null));
    return this.#starting;
  }

  /**
   * Calls every other member of the channel. Resolves once the call is `connected`; rejects with the
   * error if it fails. With nobody else in the channel it resolves at once, still `ready`: whoever calls
   * later reaches this side, as a ready side answers by itself.
   */
  async call(): Promise<void> {
    // After a hangup the hub link and the camera are gone: a new call starts them again.
    if (!this.#signaling || this.#state === 'idle' || this.#state === 'failed') await this.start();
    const engine = await this.#useEngine();
    // Nobody known: ask the hub again (a repeated Join is harmless). Behind several hub servers, a member
    // that joined a moment ago is announced through Redis, and the announcement may still be on its way.
    if (this.#membersListed && !this.#members.size && this.#signaling) await this.#join(this.#signaling, this.config.channel).catch(() => {});
    // A seed hub lists nobody, and announces only those who came after us: with nobody announced, offer
    // to the channel at large, and learn the peer from its answer.
    const known = [...this.#members].filter((id) => !this.#linkFor({ from: id }));
    const targets = this.#membersListed || known.length || this.#links.length ? known : [''];
    if (targets.length === 0 && !inCall(this.#state)) return;
    // Several people at once, or one more in a call of several: a group call's links (PeerLink.channelAfterMedia).
    const group = targets.length + this.#links.filter((link) => !link.closed).length > 1;
    for (const id of targets) this.#connectTo(id, engine, group);
    return this.#settled();
  }

  /** Ends the call, leaves the channel and releases the camera. Harmless to call again. */
  async hangup(): Promise<void> {
    this.#spares.drop();
    this.#closeLinks();
    this.#media.close();
    this.#members.clear();
    this.#early = [];
    this.#iceServers = null;
    void this.#invites?.then((invites) => invites.cancel());
    const signaling = this.#signaling;
    // A reachable call keeps its hub link, so that the next invitation still reaches it.
    const reachable = this.config.reachable;
    if (!reachable) {
      for (const off of this.#unsubscribe.splice(0)) off();
      this.#signaling = null;
    }
    // The call is over for this side now; telling the hub is network work that may take a moment.
    if (canTransition(this.#state, 'ended')) this.#setState('ended');
    if (signaling) {
      await signaling.leave(this.config.channel).catch(() => {});
      if (!reachable) await signaling.stop().catch(() => {});
    }
  }

  /** Connects to the hub without joining a channel, so that invitations reach this call (`reachable`). */
  async connect(): Promise<void> {
    await (this.#signaling ?? this.#connectSignaling(this.config.hubUrl)).connect();
  }

  // ----- Invitations (contract section 9) ----------------------------------------------------------

  /** The invitation ringing now, in or out; null when none. */
  get invitation(): CurrentInvitation | null {
    return this.#invitesLoaded?.current ?? null;
  }

  /** Rings a signed-in user (state `calling`); resolves with the invitation's id. When they accept, both join a fresh channel and connect. */
  async invite(userId: string, info?: unknown): Promise<string> {
    return (await this.#invitations()).invite(userId, info);
  }

  /** Accepts the invitation that rings: both join its channel and connect. */
  async accept(): Promise<void> {
    return (await this.#invitations()).accept();
  }

  /** Declines the invitation that rings. */
  async decline(): Promise<void> {
    return (await this.#invitations()).decline();
  }

  /** Stops ringing someone. Harmless when nobody is rung. */
  async cancel(): Promise<void> {
    return (await this.#invitations()).cancel();
  }

  /** The invitations' code, a chunk loaded when an invitation is first rung or heard. */
  #invitations(): Promise<Invitations> {
    this.#invites ??= chunk('invitations', import('../invitations/invitations.js')).then(
      (m) => (this.#invitesLoaded = m.invitationsOf(this, (state) => this.#setState(state), (type, detail) => this.emit(type, detail))),
    );
    this.#invites.catch(() => (this.#invites = null));
    return this.#invites;
  }

  /** Announces an error and moves to `failed`. Every peer connection is closed; media and the hub stay. */
  fail(error: RtcError): void {
    this.#closeLinks();
    this.#setState('failed', error);
    this.#report(error);
  }

  /** One entry per remote peer of the call. */
  get peers(): PeerInfo[] {
    // A peer says its name and mute state in its hello; until then, or without the channel, none.
    return this.#links.map((link) => ({ id: link.id, state: link.state, stream: link.stream, stats: link.stats, connection: link.pc, name: null, audioMuted: false, videoMuted: false, ...this.#data.peer(link) }));
  }

  // ----- Chat and files (contract section 10) -------------------------------------------------------

  /** Sends a chat message to every peer in the call; rejects with `message-too-large` above 16 KB of UTF-8. */
  async sendMessage(text: string): Promise<void> {
    (await this.#data.traffic()).sendMessage(text);
  }

  /**
   * Sends a file to every peer in the call, in chunks, with backpressure. Resolves with its id once every
   * peer verified it; rejects with `file-failed`. The id comes at once in the first `fileprogress`.
   */
  async sendFile(file: Blob): Promise<string> {
    return (await this.#data.traffic()).sendFile(file);
  }

  /** Cancels a file, sent or being received: both sides get `file-failed`. */
  cancelFile(id: string): void {
    this.#data.loaded?.cancel(id);
  }

  /** The first peer, or the first member of the channel while nobody is in the call. */
  get peerId(): string | null {
    return this.#links[0]?.id || this.#members.values().next().value || null;
  }

  /** The first peer's connection, while a call is on. */
  get peerConnection(): RTCPeerConnection | null {
    return this.#links[0]?.pc ?? null;
  }

  /** The first connected peer's last quality report. */
  get stats(): CallStats | null {
    return this.#links.find((link) => link.stats)?.stats ?? null;
  }

  /** Which kind of path the first peer's connection ended up on (`host`, `srflx` or `relay`), once connected. */
  async selectedCandidatePair(): Promise<SelectedCandidatePair | null> {
    const pc = this.peerConnection;
    return pc ? (await chunk('the candidate pair lookup', import('./candidate-pair.js'))).selectedCandidatePair(pc) : null;
  }

  // ----- Local media -------------------------------------------------------------------------------

  get localStream(): MediaStream | null {
    return this.#media.stream;
  }
  get audioMuted(): boolean {
    return this.#media.audioMuted;
  }
  get videoMuted(): boolean {
    return this.#media.videoMuted;
  }
  /** The shared screen, while screen sharing; it goes out in place of the camera. */
  get screenStream(): MediaStream | null {
    return this.#media.screen;
  }
  /** The cameras, microphones and speakers the browser lists; refreshed on start and on `devicechange`. */
  get devices(): MediaDeviceInfo[] {
    return this.#media.devices;
  }
  /** The speaker chosen with `selectDevice('audiooutput', id)`; '' is the system default. */
  get sinkId(): string {
    return this.#media.sinkId;
  }

  /**
   * Mutes or unmutes the microphone (`audio`) or the camera (`video`), for every peer. The senders are
   * emptied with `replaceTrack(null)`, without renegotiation: a disabled video track would still send
   * black frames. The local track is disabled too, so the preview shows the camera is off.
   */
  setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    return this.#media.setMuted(kind, muted);
  }

  /**
   * Switches to the camera (`videoinput`) or microphone (`audioinput`) with this device id, during a call
   * too (no renegotiation); or plays the peers on this speaker (`audiooutput`). '' is the default device.
   * A failure is announced as an `rtc-error`, and the call goes on with the device it had.
   */
  async selectDevice(kind: MediaDeviceKind, deviceId: string): Promise<void> {
    const media = this.#media;
    await mediaSwitching()
      .then((m) => m.select(media, kind, deviceId))
      .catch((error: RtcError) => {
        this.#report(error);
        throw error;
      });
  }

  /** Puts `track` in place of the local track of its kind, on the call too (a processed camera, a canvas). */
  async useTrack(track: MediaStreamTrack): Promise<void> {
    return (await mediaSwitching()).useTrack(this.#media, track);
  }

  /**
   * Shares a screen in place of the camera, until `stopScreenShare()` or the browser's own "Stop
   * sharing". Without `stream` it asks the user to pick a screen with `getDisplayMedia()`; a page or a
   * test may pass any stream instead (a canvas's `captureStream()`). Where the call sends no video yet
   * (receive-only), the screen is added as a track, and perfect negotiation renegotiates.
   */
  async shareScreen(stream?: MediaStream): Promise<void> {
    const screen = stream ?? (await navigator.mediaDevices.getDisplayMedia({ video: true }));
    await (await mediaSwitching()).shareScreen(this.#media, screen);
  }

  /** Stops screen sharing and sends the camera again. Harmless when not sharing. */
  stopScreenShare(): Promise<void> {
    return this.#media.stopScreenShare();
  }

  // ----- Internals ---------------------------------------------------------------------------------

  async #start(): Promise<void> {
    const { channel, hubUrl } = this.config;
    try {
      if (!channel) throw new RtcError('invalid-state', 'Set the channel to join before starting the call.');
      await this.#useEngine();
      this.#tag = randomTag();
      this.#loadIceServers();
      const signaling = this.#signaling ?? this.#connectSignaling(hubUrl);
      // The camera opens while the hub link comes up.
      const [problem] = await Promise.all([this.#media.open(), signaling.connect().then(() => this.#join(signaling, channel))]);
      this.#setState('ready', problem);
      this.#makeSpares();
      // Without a camera or microphone the call still joins and receives (receive-only). The reason is an
      // rtc-error, and stays in the error part until the next change of state.
      if (problem) this.#report(problem);
    } catch (cause) {
      const error = toRtcError(cause, 'signaling-unavailable', 'The call could not start');
      // Nothing to show the camera for: its light goes off.
      this.#media.close();
      this.fail(error);
      throw error;
    }
  }

  /**
   * The engine of the configured variant, loaded if the variant changed. A chunk that fails to load is an
   * error the page sees, not a silent hang.
   */
  async #useEngine(): Promise<CallEngine> {
    const variant = this.config.variant;
    if (this.#engineVariant !== variant) {
      this.#engine = new (await ENGINES[variant]())(this);
      this.#engineVariant = variant;
    }
    return this.#engine!;
  }

  async #join(signaling: HubClient, channel: string): Promise<void> {
    this.#updateMembers(await signaling.join(channel));
  }

  /**
   * The others in the channel, as the hub lists them after a Join; null if it does not. Added to what we
   * know, not in place of it: a newcomer's `Join` announcement can come before our own Join's answer.
   * (After a reconnect the old ids are gone already: `reconnecting` cleared them.)
   */
  #updateMembers(members: string[] | null): void {
    this.#membersListed = members !== null;
    for (const id of members ?? []) this.#onPeerJoin(id);
    this.#matchReconnectedPeers();
  }

  #connectSignaling(hubUrl: string): HubClient {
    const signaling = (this.#signaling = new HubClient({ url: hubUrl, accessTokenFactory: this.#tokens() }));
    const onState = (event: Event) => {
      const { state } = event as SignalingStateEvent;
      // A reconnect gives us a new connection id, and after a hub restart every peer has one too.
      if (state === 'reconnecting') this.#members.clear();
      this.emit('signalingstate', { state });
    };
    const onRejoin = (event: Event) => {
      const { channel, members } = event as RejoinEvent;
      if (channel === this.config.channel) this.#updateMembers(members);
    };
    const onRefused = (event: Event) => this.#report((event as UnauthorizedEvent).error);
    signaling.addEventListener('signalingstate', onState);
    signaling.addEventListener('rejoin', onRejoin);
    signaling.addEventListener('unauthorized', onRefused);
    const signal = (type: SignalType) => (payload: string) => this.#onSignal(type, payload);
    this.#unsubscribe.push(
      () => signaling.removeEventListener('signalingstate', onState),
      () => signaling.removeEventListener('rejoin', onRejoin),
      () => signaling.removeEventListener('unauthorized', onRefused),
      signaling.on(HubEvent.Join, (peerId: string) => this.#onPeerJoin(peerId)),
      signaling.on(HubEvent.Leave, (peerId: string) => this.#onPeerLeave(peerId)),
      signaling.on(HubEvent.SignalWebRtc, (channel: string, type: SignalType, payload: string) => {
        if (channel === this.config.channel) this.#onSignal(type, payload);
      }),
      signaling.on(HubEvent.ReceiveOffer, signal('offer')),
      signaling.on(HubEvent.ReceiveAnswer, signal('answer')),
      signaling.on(HubEvent.ReceiveCandidate, signal('candidate')),
      // Invitations: the events go to their chunk, loaded at the first (a call in progress answers `busy`).
      ...INVITATION_EVENTS.map((name) => signaling.on(name, (...args: string[]) => this.#invitations().then((i) => i.hear(name, args), this.#report))),
    );
    return signaling;
  }

  #onSignal(type: SignalType, payload: string): void {
    this.emit('signal', { type, payload });
    let signal: Signal;
    try {
      signal = decodeSignal(type, payload);
    } catch (cause) {
      this.#report(toRtcError(cause, 'negotiation-failed', 'A signal from a peer could not be read'));
      return;
    }
    // Everyone in the channel hears every signal; this one is for somebody else.
    if (signal.to && signal.to !== this.#tag && signal.to !== this.#signaling?.connectionId) return;
    let link = this.#linkFor(signal);
    let early: Signal[] = [];
    if (!link) {
      // A candidate may overtake the offer it belongs to (they are sent as gathered): keep a few for it.
      if (signal.type === 'candidate') return void (this.#early.length < MAX_EARLY_CANDIDATES && this.#early.push(signal));
      // An offer from a peer we have no call with: answered without a click, from ready or in a call.
      const joining = this.#state === 'ready' || this.#state === 'ended';
      if (signal.type !== 'offer' || !(joining || inCall(this.#state))) return;
      link = this.#addLink(signal.from ?? this.peerId ?? '', signal.tag ?? null, false);
      if (joining) this.#spreadMesh(link);
      const fromSender = (c: Signal) => c.tag === signal.tag && c.from === signal.from;
      early = this.#early.filter(fromSender);
      this.#early = this.#early.filter((c) => !fromSender(c));
    }
    link.identify(signal.from, signal.tag);
    for (const next of [signal, ...early]) this.#engine!.signal(link, next);
  }

  /**
   * The link a signal belongs to: by the sender's call tag or connection id. A signal that names no
   * sender (the seed's pages) belongs to the one link there is.
   */
  #linkFor({ from, tag }: { from?: string; tag?: string }): PeerLink | undefined {
    const open = this.#links.filter((link) => !link.closed);
    const named = open.find((link) => (tag && link.tag === tag) || (from && link.id === from));
    if (named) return named;
    // An offer we sent to the channel at large is answered by whoever is there.
    const unnamed = open.filter((link) => !link.id && !link.tag);
    if (unnamed.length === 1) return unnamed[0];
    return !from && !tag && open.length === 1 ? open[0] : undefined;
  }

  /** Places a call to one member: a link of ours, and our offer; `group` if it is one of several links. */
  #connectTo(id: string, engine: CallEngine, group: boolean): void {
    void engine.offer(this.#addLink(id, null, true, group));
  }

  /**
   * We were called, and are in the call now: everyone in a call is connected to everyone else (a full
   * mesh), so we connect to the other members too. Of two members who join a call at the same moment,
   * the one with the smaller id offers, so that they do not both offer (glare, which perfect negotiation
   * would settle, but a round trip later). A larger-id member that has not offered within
   * MESH_OFFER_WAIT_MS (it joined earlier, and will not) is offered to after all.
   */
  #spreadMesh(caller: PeerLink): void {
    const me = this.#signaling?.connectionId ?? '';
    const engine = this.#engine!;
    const offer = (id: string) => {
      if (inCall(this.#state) && this.#members.has(id) && !this.#linkFor({ from: id })) this.#connectTo(id, engine, true);
    };
    for (const id of this.#members) {
      if (id === caller.id) continue;
      if (me < id) offer(id);
      else setTimeout(() => offer(id), MESH_OFFER_WAIT_MS);
    }
  }

  #addLink(id: string, tag: string | null, offering: boolean, group = false): PeerLink {
    const link = new PeerLink(this.#linkHost, this.#engine!, id, tag, offering, group);
    // A new call starts from the links that are still on; failed and ended ones are done.
    if (!inCall(this.#state)) this.#closeLinks();
    this.#links.push(link);
    if (!inCall(this.#state)) this.#setState('connecting');
    this.#changed();
    return link;
  }

  #onPeerJoin(peerId: string): void {
    const signaling = this.#signaling;
    if (!signaling || peerId === signaling.connectionId || this.#members.has(peerId)) return;
    this.#members.add(peerId);
    this.emit('peerjoin', { peerId });
    this.#matchReconnectedPeers();
    this.#makeSpares();
  }

  #onPeerLeave(peerId: string): void {
    this.#members.delete(peerId);
    this.emit('peerleave', { peerId });
    // A peer that never said its id (a seed page on a seed hub) may still be the one we are in a call with.
    const link = this.#linkFor({ from: peerId }) ?? (this.#members.size === 0 ? this.#links.find((l) => !l.id) : undefined);
    if (link) void link.gone().then((gone) => gone && this.#removeLink(link));
  }

  /**
   * After a hub restart every peer has a new connection id, and only its signals say which link is
   * whose. In the common case of one peer whose id went stale and one member nobody claims, they are the
   * same person, and the link takes the new id at once.
   */
  #matchReconnectedPeers(): void {
    const stale = this.#links.filter((link) => !link.closed && link.id && !this.#members.has(link.id));
    const claimed = new Set(this.#links.map((link) => link.id));
    const unclaimed = [...this.#members].filter((id) => !claimed.has(id));
    if (stale.length === 1 && unclaimed.length === 1) stale[0]!.identify(unclaimed[0], undefined);
  }

  #removeLink(link: PeerLink): void {
    link.close();
    this.#links = this.#links.filter((l) => l !== link);
    this.#changed();
    this.#followPeers();
  }

  #closeLinks(): void {
    for (const link of this.#links.splice(0)) link.close();
    this.#changed();
  }

  /**
   * The upstream budget is shared by the connected peers: each change of them, or of it, re-divides it,
   * BITRATE_SHARE_DELAY_MS later. Peers that connect together (a group call coming together) are counted
   * once, and the senders are not reconfigured while the browser still sets up the connections.
   */
  #shareBitrate(): void {
    if (this.#sharing) return;
    this.#sharing = setTimeout(() => {
      this.#sharing = undefined;
      void this.#media.shareBitrate(
        this.config.maxBitrate,
        this.#links.flatMap((link) => (link.state === 'connected' && link.pc ? [link.pc] : [])),
      );
    }, BITRATE_SHARE_DELAY_MS);
  }

  /** The call follows its peers: connected while one is, ended when none is left. */
  #followPeers(): void {
    this.#shareBitrate();
    if (!inCall(this.#state)) return;
    const next = callStateOf(this.#links.map((link) => link.state));
    if (next === 'failed') return; // linkFailed reports it, with the reason
    this.#setState(next);
    this.#makeSpares();
    // Settled: what a group call's links left for after the media comes now (PeerLink.settled).
    if (!this.#linkHost.connecting()) for (const link of this.#links) link.settled();
  }

  /**
   * A connection with our media on it for a new peer link: a spare made ahead (#makeSpares), at once if
   * it is made already; or a new one.
   */
  #connection(offering: boolean): RTCPeerConnection | Promise<RTCPeerConnection> {
    const spare = this.#spares.take();
    if (spare instanceof RTCPeerConnection) return spare;
    return Promise.resolve(spare).then((pc) => pc ?? this.#newConnection(offering));
  }

  /** A new connection with our tracks on it (LocalMedia.attach says what an offering side adds without any). */
  async #newConnection(offering: boolean): Promise<RTCPeerConnection> {
    const pc = new RTCPeerConnection(await this.#rtcConfiguration());
    this.#media.attach(pc, offering);
    return pc;
  }

  /**
   * Spares for the links to come (SpareConnections), only with media to put on them: at least one for
   * each member of the channel we have no open link with, as only a member can call us or be called.
   * Counted, not matched by id: after a hub restart the members have new ids and the links still the old
   * ones until their signals say whose they are. While `ready` (or `ended` with the camera still open,
   * which still answers), at least one, for a member still to come. While `connected`, once no link is
   * still connecting, so that a spare never competes with a call coming together; a member who joins the
   * channel gets one then, before their offer can come (the hub relays their `Join` first). A page
   * linked with everyone makes none; one made for a member who then left stays until hangup. No ICE
   * candidate pool on them: a pooled candidate used by an offer that glare then rolls back left Chromium
   * 156 gathering nothing, ever, on that connection.
   */
  #makeSpares(): void {
    if (!this.#media.stream) return;
    const unlinked = Math.max(0, this.#members.size - this.#links.filter((link) => !link.closed).length);
    if (this.#state === 'ready' || this.#state === 'ended') this.#spares.fill(Math.min(Math.max(1, unlinked), MAX_SPARES));
    else if (this.#state === 'connected' && !this.#linkHost.connecting()) this.#spares.fill(Math.min(unlinked, MAX_SPARES));
  }

  /** The configuration for a connection; `fresh` fetches the ICE servers again, for an ICE restart's new TURN credentials. */
  async #rtcConfiguration(fresh = false): Promise<RTCConfiguration> {
    const { iceServersUrl, iceTransportPolicy } = this.config;
    const servers = fresh && iceServersUrl ? this.#fetchIceServers(iceServersUrl) : this.#iceServers;
    return { iceServers: await (servers ?? []), iceTransportPolicy };
  }

  #mediaChanged(change: LocalMediaChange): void {
    if (change instanceof RtcError) return this.#report(change);
    if (change === 'localstream') {
      this.#engine?.local(this.#media.stream);
      this.emit('localstream', { stream: this.#media.stream });
      // A call that had no camera or microphone may have one now: spares can carry it.
      this.#makeSpares();
    } else {
      this.#data.presenceChanged();
      this.emit('mediachange', null);
    }
  }

  /** Peers came, went or changed. */
  #changed(): void {
    this.emit('peerschange', null);
  }

  /** Moves to `next` if the call-state table allows it; a repeat does nothing. */
  #setState(next: CallState, error: RtcError | null = null): void {
    const previous = this.#state;
    this.#error = error;
    if (previous === next) return;
    if (!canTransition(previous, next)) throw new RtcError('invalid-state', `Cannot move call from '${previous}' to '${next}'.`);
    this.#state = next;
    this.emit('statechange', { state: next, previous });
  }

  /** Resolves when the call settles: connected, ended or back to ready; rejects with the error if it failed. */
  #settled(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.#state === 'connecting') return;
        off();
        if (this.#state === 'failed') reject(this.#error);
        else resolve();
      };
      const off = this.listen('statechange', check);
      check();
    });
  }
}

function randomTag(): string {
  return Math.random().toString(36).slice(2, 10) + Date.now().toString(36);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
