import { callStats, STATS_INTERVAL_MS, type CallStats } from './call-stats.js';
import { addLocalMedia } from './local-media.js';
import { stillReceiving } from './peer-liveness.js';
import { HubEvent, HubMethod, decodeCandidate, decodeDescription, encodeCandidate, encodeDescription, type SignalType } from '../signaling/hub-contract.js';
import { HubClient, type SignalingStateEvent } from '../signaling/hub-client.js';
import { canTransition, type CallState } from './call-state.js';
import { fetchIceServers, validateIceServers } from './ice-config.js';
import { IceRecovery } from './ice-recovery.js';
import { selectedCandidatePair, type SelectedCandidatePair } from './ice-watchdog.js';
import { RtcError, mediaError } from './rtc-error.js';
import { CountingEventTarget } from './service-events.js';

export type CallVariant = 'async' | 'then';

export interface RtcServiceConfig {
  /** The hub, absolute or relative to the page. */
  hubUrl: string;
  /** The channel both peers join. */
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
}

/**
 * How a call is placed and answered. The `async` engine below is the default and lives in the
 * service. The `then` variant brings its own, written as the seed's Index.razor.js is.
 */
export interface CallEngine {
  /** The current peer connection, if a call is on. */
  readonly peerConnection: RTCPeerConnection | null;
  call(): Promise<void>;
  /** A signal from the peer, in arrival order. */
  signal(type: SignalType, payload: string): void;
  /** Ends the peer connection, if any. Idempotent. */
  close(): void;
}

const DEFAULT_CONFIG: RtcServiceConfig = {
  hubUrl: '/messagehub',
  channel: '',
  variant: 'async',
  iceServers: null,
  iceServersUrl: null,
  iceTransportPolicy: 'all',
  media: { video: true, audio: true },
};

/**
 * The WebRTC service: local media, the peer connection, the remote streams, and the signaling link,
 * shared by every element of one call through `@lit/context`. It is an EventTarget: elements listen
 * while connected and stop when removed, so nothing keeps a removed element alive.
 */
export class RtcService extends CountingEventTarget {
  state: CallState = 'idle';
  error: RtcError | null = null;
  localStream: MediaStream | null = null;
  /** Remote streams by the peer's connection id. */
  readonly remoteStreams = new Map<string, MediaStream>();
  /** The peers seen in the channel, by connection id. */
  readonly peers = new Set<string>();
  config: RtcServiceConfig = { ...DEFAULT_CONFIG };
  signaling: HubClient | null = null;
  /** Whether the microphone is muted: the peer gets no audio. Kept across calls. */
  audioMuted = false;
  /** Whether the camera is off: the peer gets no video frames at all. Kept across calls. */
  videoMuted = false;
  /** The shared screen, while screen sharing; it goes out in place of the camera. */
  screenStream: MediaStream | null = null;
  /** The cameras, microphones and speakers the browser lists; refreshed on start and on `devicechange`. */
  devices: MediaDeviceInfo[] = [];
  /** The speaker chosen with `selectDevice('audiooutput', id)`; '' is the system default. */
  sinkId = '';
  /** The last quality report of the call, while connected. */
  stats: CallStats | null = null;
  private engine: CallEngine;
  private readonly defaultEngine: CallEngine;
  private starting: Promise<void> | null = null;
  private unsubscribe: Array<() => void> = [];
  /** The peer connection our media was put on, and its sender for each kind, found even while it sends nothing. */
  #sendersOf: RTCPeerConnection | null = null;
  #senders = new Map<string, RTCRtpSender>();
  #applying: Promise<unknown> = Promise.resolve();
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  #unfollowDevices: (() => void) | null = null;

  constructor(config: Partial<RtcServiceConfig> = {}) {
    super();
    this.configure(config);
    this.defaultEngine = this.engine = new AsyncCallEngine(this);
  }

  configure(config: Partial<RtcServiceConfig>): void {
    this.config = { ...this.config, ...stripUndefined(config) };
  }

  /** Puts another engine in charge of calls (the `then` variant), or the default one back with null. */
  useEngine(engine: CallEngine | null): void {
    this.engine.close();
    this.engine = engine ?? this.defaultEngine;
  }

  /** Opens local media and joins the channel. Resolves in `ready`. */
  async start(): Promise<void> {
    if ((this.state === 'ready' || this.state === 'connecting' || this.state === 'connected') && this.signaling) return;
    this.starting ??= this.doStart().finally(() => (this.starting = null));
    return this.starting;
  }

  /** Sends an offer to the channel. Resolves once the call is `connected`. */
  async call(): Promise<void> {
    // After a hangup the hub link and the camera are gone: a new call starts them again.
    if (this.state === 'idle' || this.state === 'failed' || !this.signaling) await this.start();
    if (this.#inCall()) return this.settled();
    this.setState('connecting');
    try {
      await this.engine.call();
    } catch (cause) {
      this.fail(toRtcError(cause, 'negotiation-failed', 'The call could not be placed'));
    }
    return this.settled();
  }

  /** Ends the call, leaves the channel and releases the camera. Harmless to call again. */
  async hangup(): Promise<void> {
    this.engine.close();
    this.clearRemoteStreams();
    this.releaseLocalMedia();
    this.stopScreenShare();
    this.#unfollowDevices?.();
    this.#unfollowDevices = null;
    const signaling = this.signaling;
    this.signaling = null;
    for (const off of this.unsubscribe.splice(0)) off();
    this.peers.clear();
    // The call is over for this side now; telling the hub is network work that may take a moment.
    if (this.state !== 'ended' && canTransition(this.state, 'ended')) this.setState('ended');
    if (signaling) {
      await signaling.leave(this.config.channel).catch(() => {});
      await signaling.stop().catch(() => {});
    }
  }

  /** The current peer connection, while a call is on. */
  get peerConnection(): RTCPeerConnection | null {
    return this.engine.peerConnection;
  }

  // ----- Call controls -----------------------------------------------------------------------------

  /**
   * Mutes or unmutes the microphone (`audio`) or the camera (`video`). The sender is emptied with
   * `replaceTrack(null)`, without renegotiation: a disabled video track would still send black frames.
   * The local track is disabled too, so the preview shows the camera is off.
   */
  setMuted(kind: 'audio' | 'video', muted: boolean): Promise<void> {
    if (kind === 'audio') this.audioMuted = muted;
    else this.videoMuted = muted;
    return this.#updateMedia();
  }

  /**
   * Switches to the camera (`videoinput`) or microphone (`audioinput`) with this device id, during a
   * call too, with `replaceTrack` (no renegotiation); or plays the peer on this speaker (`audiooutput`).
   * An empty id means the default device.
   */
  async selectDevice(kind: MediaDeviceKind, deviceId: string): Promise<void> {
    let stream: MediaStream;
    try {
      if (kind === 'audiooutput') {
        // setSinkId would refuse an unknown speaker only inside the media elements; refuse it here, loudly.
        if (deviceId && !this.devices.some((d) => d.kind === kind && d.deviceId === deviceId)) throw { name: 'NotFoundError' };
        this.sinkId = deviceId;
        return this.#updateMedia();
      }
      const type = kind === 'audioinput' ? 'audio' : 'video';
      // The configured constraints (a `true` spreads to nothing), for this device.
      const constraints = { ...(this.config.media[type] as MediaTrackConstraints), deviceId: deviceId ? { exact: deviceId } : undefined };
      stream = await navigator.mediaDevices.getUserMedia({ [type]: constraints });
    } catch (cause) {
      // The call goes on with the device it had; the error is announced, not fatal.
      const error = mediaError(cause);
      this.emit('error', { error });
      throw error;
    }
    await this.useTrack(stream.getTracks()[0]!);
  }

  /**
   * Puts `track` in place of the local track of its kind, in the local stream and on the call, with
   * `replaceTrack` (no renegotiation). The old track is stopped. `selectDevice()` uses this; so can a
   * page with a track of its own (a processed camera, a canvas).
   */
  async useTrack(track: MediaStreamTrack): Promise<void> {
    const stream = (this.localStream ??= new MediaStream());
    for (const old of stream.getTracks()) {
      if (old.kind !== track.kind || old === track) continue;
      stream.removeTrack(old);
      old.stop();
    }
    stream.addTrack(track);
    await this.#updateMedia();
  }

  /**
   * Shares a screen in place of the camera, until `stopScreenShare()` or the browser's own "Stop
   * sharing". Without `stream` it asks the user to pick a screen with `getDisplayMedia()`; a page or a
   * test may pass any stream instead (a canvas's `captureStream()`). Where the call sends no video yet
   * (receive-only), the screen is added as a track, and perfect negotiation renegotiates.
   */
  async shareScreen(stream?: MediaStream): Promise<void> {
    stream ??= await navigator.mediaDevices.getDisplayMedia({ video: true });
    this.stopScreenShare();
    this.screenStream = stream;
    const track = stream.getVideoTracks()[0];
    track?.addEventListener('ended', () => this.screenStream === stream && this.stopScreenShare());
    await this.#updateMedia();
  }

  /** Stops screen sharing and sends the camera again. Harmless when not sharing. */
  async stopScreenShare(): Promise<void> {
    const stream = this.screenStream;
    if (!stream) return;
    this.screenStream = null;
    for (const track of stream.getTracks()) track.stop();
    await this.#updateMedia();
  }

  /** For engines: puts the local media on `pc` once, then applies mute and screen sharing to it. */
  attachLocalMedia(pc: RTCPeerConnection): void {
    if (this.#sendersOf !== pc) {
      addLocalMedia(pc, this.localStream);
      this.#sendersOf = pc;
      this.#senders = new Map(pc.getSenders().filter((s) => s.track).map((s) => [s.track!.kind, s]));
    }
    void this.#updateMedia();
  }

  /** Which kind of path the call ended up on (`host`, `srflx` or `relay`), once connected. */
  async selectedCandidatePair(): Promise<SelectedCandidatePair | null> {
    const pc = this.engine.peerConnection;
    return pc ? selectedCandidatePair(pc) : null;
  }

  // ----- For call engines --------------------------------------------------------------------------

  /** The RTCConfiguration for the next peer connection; fetches fresh ICE servers where configured. */
  async rtcConfiguration(): Promise<RTCConfiguration> {
    const { iceServers, iceServersUrl, iceTransportPolicy } = this.config;
    const servers = iceServersUrl ? await fetchIceServers(iceServersUrl) : validateIceServers(iceServers ?? []);
    return { iceServers: servers, iceTransportPolicy };
  }

  /** Moves to `next` if the call-state table allows it; ignores a repeat. */
  setState(next: CallState): void {
    const previous = this.state;
    if (previous === next) return;
    if (!canTransition(previous, next)) {
      throw new RtcError('invalid-state', `Cannot move call from '${previous}' to '${next}'.`);
    }
    this.state = next;
    if (next !== 'failed') this.error = null;
    this.#pollStats();
    this.emit('statechange', { state: next, previous });
  }

  /** Announces an error and moves to `failed`. The peer connection is closed; media and the hub stay. */
  fail(error: RtcError): void {
    this.engine.close();
    this.clearRemoteStreams();
    this.error = error;
    if (this.state !== 'failed') {
      const previous = this.state;
      this.state = 'failed';
      this.#pollStats();
      this.emit('statechange', { state: 'failed', previous });
    }
    this.emit('error', { error });
  }

  setRemoteStream(peerId: string, stream: MediaStream): void {
    if (this.remoteStreams.get(peerId) === stream) return;
    this.remoteStreams.set(peerId, stream);
    this.emit('remotestream', { stream, peerId });
  }

  /** The peer we are in a call with, as far as we know it. Null if it never announced itself. */
  get peerId(): string | null {
    return this.peers.values().next().value ?? null;
  }

  /** Sends a signal with the variant's hub method. */
  async send(type: SignalType, payload: string): Promise<void> {
    const signaling = this.signaling;
    if (!signaling) throw new RtcError('signaling-unavailable', 'The call is not connected to the hub.');
    await signaling.invoke(HubMethod.SignalWebRtc, this.config.channel, type, payload);
  }

  // ----- Internals ---------------------------------------------------------------------------------

  private async doStart(): Promise<void> {
    const { channel, hubUrl, media } = this.config;
    try {
      if (!channel) throw new RtcError('invalid-state', 'Set the channel to join before starting the call.');
      const signaling = this.signaling ?? this.connectSignaling(hubUrl);
      await signaling.connect();
      await signaling.join(channel);
      // Without a camera or microphone the call still joins and receives (receive-only). The reason is
      // an rtc-error and stays in the error part until the next change of state.
      let mediaProblem: RtcError | null = null;
      if (!this.localStream && (media.audio || media.video)) {
        if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
          mediaProblem = new RtcError('media-failed', 'This browser cannot open a camera here (a secure context, https or localhost, is needed).');
        } else {
          try {
            this.localStream = await navigator.mediaDevices.getUserMedia(media);
            this.emit('localstream', { stream: this.localStream });
            await this.#updateMedia();
          } catch (cause) {
            mediaProblem = mediaError(cause);
            mediaProblem.message += ' This side can only receive.';
          }
        }
      }
      this.#followDevices();
      this.setState('ready');
      if (mediaProblem) {
        this.error = mediaProblem;
        this.emit('error', { error: mediaProblem });
      }
    } catch (cause) {
      const error = toRtcError(cause, 'signaling-unavailable', 'The call could not start');
      this.fail(error);
      throw error;
    }
  }

  /**
   * The one place that applies the media settings: each local track enabled unless muted, and each of
   * our senders carrying what it should (nothing when muted, the screen while sharing, else the local
   * track). `replaceTrack` never renegotiates. Then the device list is refreshed and elements are told.
   */
  async #updateMedia(): Promise<void> {
    const muted = (kind: string) => (kind === 'audio' ? this.audioMuted : this.videoMuted);
    for (const track of this.localStream?.getTracks() ?? []) track.enabled = !muted(track.kind);
    const pc = this.peerConnection;
    if (pc && pc === this.#sendersOf) {
      // One change at a time: `sender.track` changes only once a replaceTrack settles, so a mute and an
      // unmute in quick succession must not both compare against the track from before either.
      const applied = this.#applying.then(() =>
        Promise.all(
          ['audio', 'video'].map((kind) => {
            const screen = kind === 'video' ? this.screenStream : null;
            const stream = screen ?? this.localStream;
            const track = muted(kind) ? null : (stream?.getTracks().find((t) => t.kind === kind) ?? null);
            const sender = this.#senders.get(kind);
            // A kind the call has not sent yet (a receive-only side that picks a camera or shares a
            // screen) is added as a track, and perfect negotiation renegotiates.
            if (!sender) return track && pc.signalingState !== 'closed' && this.#senders.set(kind, pc.addTrack(track, stream!));
            // A connection closed meanwhile refuses; the next call starts from these settings anyway.
            return sender.track === track ? null : sender.replaceTrack(track).catch(() => {});
          }),
        ),
      );
      this.#applying = applied.catch(() => {});
      await applied;
    }
    this.devices = (await navigator.mediaDevices?.enumerateDevices?.().catch(() => null)) ?? this.devices;
    this.emit('mediachange', null);
  }

  /** While started: on `devicechange`, refresh the list, and if a device in use is gone, fall back to the default one. */
  #followDevices(): void {
    const media = navigator.mediaDevices;
    if (!media?.addEventListener || this.#unfollowDevices) return;
    const onChange = async () => {
      await this.#updateMedia();
      for (const track of this.localStream?.getTracks() ?? []) {
        const id = track.getSettings().deviceId;
        // Tracks that are not from a device (a canvas given to useTrack) have no id and stay.
        if (id && (track.readyState === 'ended' || !this.devices.some((d) => d.deviceId === id))) {
          await this.selectDevice(track.kind === 'audio' ? 'audioinput' : 'videoinput', '').catch(() => {}); // selectDevice announced it
        }
      }
    };
    media.addEventListener('devicechange', onChange);
    this.#unfollowDevices = () => media.removeEventListener('devicechange', onChange);
  }

  /** While connected, reports the call's quality every STATS_INTERVAL_MS, as `stats` events. */
  #pollStats(): void {
    clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    this.stats = null;
    const pc = this.peerConnection;
    if (this.state !== 'connected' || !pc) return;
    let previous: RTCStatsReport | null = null;
    const sample = async () => {
      const report = await pc.getStats().catch(() => null);
      if (!report || this.#statsTimer !== timer) return;
      if (previous) this.emit('stats', { stats: (this.stats = callStats(report, previous)) });
      previous = report;
    };
    const timer = (this.#statsTimer = setInterval(sample, STATS_INTERVAL_MS));
    void sample();
  }

  private connectSignaling(hubUrl: string): HubClient {
    const signaling = new HubClient({ url: hubUrl });
    this.signaling = signaling;
    const onState = (event: Event) => {
      const { state } = event as SignalingStateEvent;
      // A reconnect gives us a new connection id, and after a hub restart every peer has one too. The
      // ids we knew are stale; the Join we send again makes the others announce their current ones.
      if (state === 'reconnecting') this.peers.clear();
      this.emit('signalingstate', { state });
    };
    signaling.addEventListener('signalingstate', onState);
    this.unsubscribe.push(
      () => signaling.removeEventListener('signalingstate', onState),
      signaling.on(HubEvent.Join, (peerId: string) => this.onPeerJoin(peerId)),
      signaling.on(HubEvent.Leave, (peerId: string) => this.onPeerLeave(peerId)),
      signaling.on(HubEvent.SignalWebRtc, (channel: string, type: SignalType, payload: string) => {
        if (channel === this.config.channel) this.onSignal(type, payload);
      }),
      signaling.on(HubEvent.ReceiveOffer, (payload: string) => this.onSignal('offer', payload)),
      signaling.on(HubEvent.ReceiveAnswer, (payload: string) => this.onSignal('answer', payload)),
      signaling.on(HubEvent.ReceiveCandidate, (payload: string) => this.onSignal('candidate', payload)),
    );
    return signaling;
  }

  private onSignal(type: SignalType, payload: string): void {
    this.emit('signal', { type, payload });
    this.engine.signal(type, payload);
  }

  private onPeerJoin(peerId: string): void {
    const signaling = this.signaling;
    if (!signaling || peerId === signaling.connectionId) return;
    // A repeated Join (the seed's first page sends one before every signal) changes nothing.
    if (this.peers.has(peerId)) return;
    this.peers.add(peerId);
    this.#joins++;
    this.emit('peerjoin', { peerId });
    // Join once more so the newcomer learns our id too; the hub makes a repeated Join harmless.
    signaling.join(this.config.channel).catch(() => {});
  }

  private onPeerLeave(peerId: string): void {
    const known = this.peers.delete(peerId);
    this.emit('peerleave', { peerId });
    // A peer that never announced itself may still be the one we were in a call with.
    if (this.#inCall() && (known || this.peers.size === 0)) void this.#endUnlessReceiving();
  }

  /** Peers that joined so far; a rise means someone (likely the peer, back with a new id) joined. */
  #joins = 0;
  /** The connection whose peer left, while it is watched for signs of life. */
  #watching: RTCPeerConnection | null = null;

  #inCall(): boolean {
    return this.state === 'connecting' || this.state === 'connected' || this.state === 'reconnecting';
  }

  /**
   * The hub says the peer left. Mostly its page closed or its network died, and its packets stopped
   * too: the call ends, within LEAVE_CHECK_MS. But a peer that lost only its hub server still sends,
   * peer to peer; that call goes on while the peer reconnects and joins again, and is watched until
   * then, so it still ends once the packets stop.
   */
  async #endUnlessReceiving(): Promise<void> {
    const pc = this.peerConnection;
    // One watch per connection: a repeated Leave changes nothing.
    if (pc && this.#watching === pc) return;
    this.#watching = pc;
    const joins = this.#joins;
    const waiting = () => this.#inCall() && this.peerConnection === pc && this.#joins === joins;
    while (waiting()) {
      if (!(await stillReceiving(pc))) {
        if (waiting()) {
          this.engine.close();
          this.clearRemoteStreams();
          this.setState('ended');
        }
        break;
      }
    }
    if (this.#watching === pc) this.#watching = null;
  }

  private clearRemoteStreams(): void {
    for (const peerId of [...this.remoteStreams.keys()]) {
      this.remoteStreams.delete(peerId);
      this.emit('remotestream', { stream: null, peerId });
    }
  }

  private releaseLocalMedia(): void {
    if (!this.localStream) return;
    for (const track of this.localStream.getTracks()) track.stop();
    this.localStream = null;
    this.emit('localstream', { stream: null });
  }

  /** Resolves when the call settles: connected, or ended; rejects with the error if it failed. */
  private settled(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.state === 'connecting') return false;
        off();
        if (this.state === 'failed') reject(this.error);
        else resolve();
        return true;
      };
      const off = this.listen('statechange', check);
      check();
    });
  }
}

/**
 * The `async` variant's engine: the seed's WebRtcService, written with async/await, signaling with
 * `SignalWebRtc(channel, type, payload)`, made robust with the W3C perfect-negotiation pattern.
 * The polite peer (the larger connection id) rolls back its own offer when offers cross; the impolite
 * one ignores the other's. Any renegotiation (a track added, screen sharing) goes through
 * `negotiationneeded`. On ICE `failed`, or `disconnected` for a few seconds, it restarts ICE with
 * freshly fetched ICE servers, a bounded number of times, in state `reconnecting`.
 */
class AsyncCallEngine implements CallEngine {
  private pc: RTCPeerConnection | null = null;
  /** Candidates that arrived before the remote description; added right after it, never dropped. */
  private pending: RTCIceCandidateInit[] = [];
  /** Signals are handled one at a time, in order, so a candidate never overtakes its description. */
  private queue: Promise<void> = Promise.resolve();
  private makingOffer = false;
  private ignoreOffer = false;
  private recovery: IceRecovery | null = null;

  constructor(private readonly service: RtcService) {}

  get peerConnection(): RTCPeerConnection | null {
    return this.pc;
  }

  async call(): Promise<void> {
    // Adding the local media fires `negotiationneeded`, which sends the offer.
    const pc = this.pc ?? (await this.createPeerConnection());
    this.service.attachLocalMedia(pc);
  }

  signal(type: SignalType, payload: string): void {
    this.queue = this.queue.then(() => this.handle(type, payload)).catch((cause) => {
      this.service.fail(toRtcError(cause, 'negotiation-failed', `The peer's ${type} could not be used`));
    });
  }

  close(): void {
    this.pending = [];
    // A fresh queue: an operation on the closed connection may never settle (Chromium does not always
    // settle addIceCandidate on a connection closed under it), and must not hold up the next call.
    this.queue = Promise.resolve();
    this.closePeerConnection();
  }

  private closePeerConnection(): void {
    this.recovery?.dispose();
    this.recovery = null;
    this.makingOffer = this.ignoreOffer = false;
    const pc = this.pc;
    this.pc = null;
    if (pc) {
      pc.onicecandidate = pc.ontrack = pc.onnegotiationneeded = null;
      pc.close();
    }
  }

  /** The polite peer yields when offers cross. Both sides agree, because both compare the same two values. */
  private polite(pc: RTCPeerConnection, remote: RTCSessionDescriptionInit): boolean {
    return isPolite(this.service.signaling?.connectionId, this.service.peerId, pc.localDescription?.sdp, remote.sdp);
  }

  private async handle(type: SignalType, payload: string): Promise<void> {
    const service = this.service;
    if (type === 'candidate') {
      const candidate = decodeCandidate(payload);
      const pc = this.pc;
      if (!pc || !pc.remoteDescription) this.pending.push(candidate);
      else await this.addCandidate(pc, candidate);
      return;
    }
    const description = decodeDescription(payload);
    if (description.type === 'offer') {
      // An offer is answered without a click, from ready or after an earlier call ended.
      if (service.state === 'idle' || service.state === 'failed') return;
    }
    const fresh = !this.pc;
    if (fresh && description.type === 'answer') return;
    const pc = this.pc ?? (await this.createPeerConnection());
    const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
    this.ignoreOffer = collision && !this.polite(pc, description);
    if (this.ignoreOffer) return;
    if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
    if (description.type === 'offer' && (service.state === 'ready' || service.state === 'ended')) service.setState('connecting');
    await pc.setRemoteDescription(description);
    // The callee adds its media after the offer, so its tracks reuse the offered transceivers.
    if (fresh) this.service.attachLocalMedia(pc);
    for (const candidate of this.pending.splice(0)) await this.addCandidate(pc, candidate);
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      this.recovery?.expectCandidates();
      await service.send('answer', encodeDescription(pc.localDescription!));
    }
  }

  private async addCandidate(pc: RTCPeerConnection, candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await pc.addIceCandidate(candidate);
    } catch {
      // A candidate of an offer we ignored, or of an ICE generation that a restart replaced: the
      // browser refuses it, and rightly; the call goes on with the candidates that match.
    }
  }

  private async createPeerConnection(): Promise<RTCPeerConnection> {
    const service = this.service;
    const pc = new RTCPeerConnection(await service.rtcConfiguration());
    this.closePeerConnection();
    this.pc = pc;
    const recovery = (this.recovery = new IceRecovery(service, pc));
    pc.onnegotiationneeded = async () => {
      try {
        this.makingOffer = true;
        await pc.setLocalDescription();
        recovery.expectCandidates();
        await service.send('offer', encodeDescription(pc.localDescription!));
      } catch (cause) {
        if (this.pc === pc) service.fail(toRtcError(cause, 'negotiation-failed', 'The offer could not be sent'));
      } finally {
        this.makingOffer = false;
      }
    };
    pc.onicecandidate = ({ candidate }) => {
      if (!candidate) return;
      recovery.candidateSent();
      // Sent as gathered, possibly before the answer arrives, as the seed does.
      service.send('candidate', encodeCandidate(candidate)).catch(() => {});
    };
    pc.ontrack = ({ streams, track }) => {
      service.setRemoteStream(service.peerId ?? 'peer', streams[0] ?? new MediaStream([track]));
    };
    return pc;
  }
}

/**
 * Who yields when offers cross: the larger connection id. Until a peer has announced its id (it joined
 * a moment ago), both sides can still agree by comparing the session ids in the two crossing offers.
 */
export function isPolite(me: string | null | undefined, peer: string | null, localSdp?: string, remoteSdp?: string): boolean {
  if (me && peer) return me > peer;
  const mine = sessionId(localSdp);
  const theirs = sessionId(remoteSdp);
  return mine !== null && theirs !== null ? mine > theirs : true;
}

function sessionId(sdp: string | undefined): bigint | null {
  const match = sdp && /^o=\S+ (\d+) /m.exec(sdp);
  return match ? BigInt(match[1]!) : null;
}

export function toRtcError(cause: unknown, code: RtcError['code'], context: string): RtcError {
  if (cause instanceof RtcError) return cause;
  return new RtcError(code, `${context}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
