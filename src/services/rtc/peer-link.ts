import type { CallStats } from './call-stats.js';
import type { PeerState } from './call-state.js';
import { IceRecovery, type RecoveryHost } from './ice-recovery.js';
import { isPolite, Negotiation } from './negotiation.js';
import { withStartBitrate } from './start-bitrate.js';
import { createDataChannel } from '../data/wire.js';
import { chunk, RtcError, toRtcError } from './rtc-error.js';
import type { Signal, SignalAddress } from '../signaling/hub-contract.js';

/** How often a connected peer's quality is reported (`rtc-stats`). */
export const STATS_INTERVAL_MS = 2_000;
/**
 * How long after a group call settles its data channels are added (PeerLink.settled): the first frames of
 * the links that just connected are decoded and shown first, on the same busy threads.
 */
export const CHANNEL_AFTER_MEDIA_MS = 250;

/** What a peer link needs of its call: a narrow view of the service. */
export interface LinkHost {
  /** Our call tag (random per call, kept across hub reconnects) and hub connection id. */
  tag(): string;
  connectionId(): string | null;
  /**
   * A connection with our media on it, for a call we place (`offering`) or answer: at once if one is
   * ready, so that the link's first step starts in the same task; else a promise of one.
   */
  connection(offering: boolean): RTCPeerConnection | Promise<RTCPeerConnection>;
  /** The configuration for an ICE restart, with freshly fetched ICE servers. */
  rtcConfiguration(fresh: true): Promise<RTCConfiguration>;
  /** The connection is done with: our media leaves it. */
  detachMedia(pc: RTCPeerConnection): void;
  /** The bitrate a new connection's video starts at, in kbit/s (withStartBitrate). */
  startKbps(): number;
  /** Something the call shows of this peer changed: its state, id, stream or stats. */
  linkChanged(link: PeerLink, what: 'state' | 'id' | 'stream' | 'stats'): void;
  /** The link failed; its connection is closed. */
  linkFailed(link: PeerLink, error: RtcError): void;
  /** Whether a link of the call is still connecting: a data channel added now would slow its setup (settled()). */
  connecting(): boolean;
  /**
   * The link's `rtc-kit` data channel was made (not yet open); or it is `coming` after the media (a
   * group call's: what is sent to the peer meanwhile waits for it); or, with null, it closed with the
   * link, or will never come.
   */
  linkChannel(link: PeerLink, channel: RTCDataChannel | 'coming' | null): void;
}

/**
 * What a call engine does for its links, in its own style and with its own hub methods: send our offer
 * when negotiation is needed, send each local candidate, and show a remote stream.
 */
export interface LinkDriver {
  offer(link: PeerLink): void;
  candidate(link: PeerLink, candidate: RTCIceCandidate): void;
  /** Shows the peer's stream, or none once the link closed. */
  track(link: PeerLink, stream: MediaStream | null): void;
}

/**
 * One remote peer of a call: its RTCPeerConnection, the negotiation with it (perfect negotiation, shared
 * by both engines), the recovery of its path, its remote stream and its quality. The call holds one link
 * per peer; nothing here knows how many there are.
 */
export class PeerLink implements RecoveryHost {
  /** The peer's hub connection id: the peer id of `peers` and of every event. */
  id: string;
  /** The peer's call tag, once one of its signals said it (kit peers do; the seed's pages do not). */
  tag: string | null;
  state: PeerState = 'connecting';
  stream: MediaStream | null = null;
  stats: CallStats | null = null;
  #pc: RTCPeerConnection | null = null;
  #negotiation: Negotiation | null = null;
  #recovery: IceRecovery | null = null;
  readonly #opened: Promise<void>;
  #closed = false;
  /** The `rtc-kit` data channel, once made (data-channel.md: only where both sides have one). */
  #channel: RTCDataChannel | null = null;
  /** The channel is to come after the media (a group call's), added once the call has settled (settled()). */
  #channelDue = false;
  #channelTimer: ReturnType<typeof setTimeout> | undefined;
  #statsTimer: ReturnType<typeof setInterval> | undefined;
  /** Set while the hub says the peer left and its packets are watched; cleared if it shows up again. */
  #gone: object | null = null;
  readonly #host: LinkHost;
  readonly #driver: LinkDriver;

  constructor(
    host: LinkHost,
    driver: LinkDriver,
    id: string,
    tag: string | null,
    /** Whether we place this call (and send the first offer), or answer it. */
    readonly offering: boolean,
    /**
     * Our first offer leaves the data channel for after the media: we call several people at once, or
     * join a call of several. Each `m=application` section costs every description step of a setup
     * that many links share, and the SCTP association starts as DTLS completes; about 30 ms of a fourth
     * person's setup on a busy machine (docs/benchmarks.md). Names and chat come a moment later instead.
     */
    readonly channelAfterMedia = false,
  ) {
    this.#host = host;
    this.#driver = driver;
    this.id = id;
    this.tag = tag;
    this.#opened = this.#open(host.connection(offering));
    // A failure to open is reported by the first step that waits for it.
    this.#opened.catch(() => {});
  }

  /** The connection, once opened; null before and after. */
  get pc(): RTCPeerConnection | null {
    return this.#pc;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Who our signals to this peer are from and for. */
  get address(): SignalAddress {
    return { from: this.#host.connectionId() ?? undefined, tag: this.#host.tag(), to: this.tag ?? (this.id || undefined) };
  }

  /** Makes our offer; resolves with it to send, or null if it is not our turn. */
  offer(): Promise<RTCSessionDescriptionInit | null> {
    return this.#step((n) => n.offer());
  }

  /** Applies the peer's offer or answer; resolves with our answer to send, or null. */
  receive(description: RTCSessionDescriptionInit): Promise<RTCSessionDescriptionInit | null> {
    return this.#step((n) => n.receive(description, () => this.#answering(description)));
  }

  /** Adds the peer's candidate, now or once its description is set. */
  addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.#opened.then(() => this.#negotiation?.candidate(candidate));
  }

  /** The peer's id changed (it reconnected to the hub) or became known; or its tag did. */
  identify(id: string | undefined, tag: string | undefined): void {
    this.#gone = null;
    if (tag) this.tag = tag;
    if (id && id !== this.id) {
      this.id = id;
      this.#host.linkChanged(this, 'id');
    }
  }

  /** For engines: the peer's stream arrived. The call shows it as this peer's. */
  setStream(stream: MediaStream | null): void {
    if (this.stream === stream) return;
    this.stream = stream;
    this.#host.linkChanged(this, 'stream');
  }

  /**
   * The hub says the peer left. Mostly its page closed or its network died, and its packets stopped too:
   * resolves true within LEAVE_CHECK_MS. But a peer that lost only its hub server still sends, peer to
   * peer; that link goes on while the peer reconnects, and is watched until the peer shows up again
   * (`identify`), so it still ends once the packets stop. Resolves false if the peer came back.
   */
  async gone(): Promise<boolean> {
    if (this.#gone) return false;
    const watch = (this.#gone = {});
    // Loaded when a peer first leaves; if it cannot load, the hub's word is taken.
    const { stillReceiving } = await import('./peer-liveness.js').catch(() => ({ stillReceiving: async () => false }));
    while (this.#gone === watch && !this.#closed) {
      if (!(await stillReceiving(this.#pc))) return this.#gone === watch && !this.#closed;
    }
    return false;
  }

  /**
   * The call has settled: no link of it is still connecting. A channel left for after the media is
   * added a moment later (CHANNEL_AFTER_MEDIA_MS), unless a link is connecting again by then (someone
   * joined: the next settling tries again), by the impolite side of the pair: both sides know
   * both call tags by now, so exactly one side adds it, and perfect negotiation carries it in one more
   * offer and answer (the other side makes its own as it answers: #answering). A peer that names itself
   * in no signal is one of the seed's pages, which open none: then it never comes.
   */
  settled(): void {
    if (!this.#channelDue || this.#channelTimer || this.state !== 'connected') return;
    if (!this.tag) {
      this.#channelDue = false;
      this.#host.linkChannel(this, null);
      return;
    }
    if (isPolite(this.#host.tag(), this.tag)) return;
    this.#channelTimer = setTimeout(() => {
      this.#channelTimer = undefined;
      if (this.#channelDue && this.#pc && this.state === 'connected' && !this.#host.connecting()) this.#openChannel(this.#pc);
    }, CHANNEL_AFTER_MEDIA_MS);
  }

  /** Ends the connection. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#setStatsTimer(false);
    this.#release();
    this.#driver.track(this, null);
  }

  /** For engines: our offer could not be made or sent. */
  offerFailed(cause: unknown): void {
    this.fail(toRtcError(cause, 'negotiation-failed', 'The offer could not be sent'));
  }

  /** For engines: a signal of the peer's could not be used, or our answer to it not sent. */
  signalFailed(signal: Signal, cause: unknown): void {
    this.fail(toRtcError(cause, 'negotiation-failed', `The peer's ${signal.type} could not be used`));
  }

  /** Closes the link in state `failed`, and tells the call why. */
  fail(error: RtcError): void {
    if (this.#closed) return;
    this.close();
    this.setState('failed');
    this.#host.linkFailed(this, error);
  }

  /**
   * Opens the link on `made`. A connection that is there already is taken in this task: the first step
   * (our offer, or the peer's offer applied) then reaches the browser before the page redraws for the
   * new state of the call, and the browser works on it while the page draws.
   */
  #open(made: RTCPeerConnection | Promise<RTCPeerConnection>): Promise<void> {
    if (made instanceof Promise) return this.#connection(made).then((pc) => void (pc && this.#setUp(pc)));
    this.#setUp(made);
    return Promise.resolve();
  }

  #setUp(pc: RTCPeerConnection): void {
    this.#negotiation = new Negotiation(
      pc,
      (remote) => isPolite(this.#host.tag(), this.tag, this.#pc?.localDescription?.sdp, remote.sdp),
      (cause) => this.fail(toRtcError(cause, 'negotiation-failed', 'Our description could not be applied')),
      (sdp) => withStartBitrate(sdp, this.#host.startKbps()),
      () => this.#fresh(),
    );
    this.#use(pc);
    // The offerer's first offer carries the data channel, except in a group call (channelAfterMedia). The
    // seed's pages open none: their offer has no m=application section, and answering one with a channel
    // would need another round trip (#answering).
    if (this.offering) {
      if (this.channelAfterMedia) this.#channelComing();
      else this.#openChannel(pc);
    }
  }

  /**
   * Our first offer crossed the peer's, and we yield: the connection that made it is closed, and a new
   * one answers (Negotiation explains why). Its channel, if the peer's offer has one, comes with the answer.
   */
  async #fresh(): Promise<RTCPeerConnection> {
    this.#release();
    const pc = await this.#connection(this.#host.connection(false));
    if (!pc) throw new RtcError('invalid-state', 'The call ended');
    this.#use(pc);
    return pc;
  }

  /** The connection once made; or null, closed at once, if the link closed while it was made. */
  async #connection(made: RTCPeerConnection | Promise<RTCPeerConnection>): Promise<RTCPeerConnection | null> {
    const pc = await made;
    if (!this.#closed) return pc;
    this.#host.detachMedia(pc);
    pc.close();
    return null;
  }

  /** Takes `pc` as the link's connection: its events, and the recovery of its path. */
  #use(pc: RTCPeerConnection): void {
    this.#pc = pc;
    this.#recovery = new IceRecovery(this, pc);
    pc.onnegotiationneeded = () => this.#driver.offer(this);
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) this.#driver.candidate(this, candidate);
    };
    pc.ontrack = ({ streams, track }) => this.#driver.track(this, streams[0] ?? new MediaStream([track]));
  }

  /** Closes the connection, its channel and its recovery; the link has none until #use gives it one. */
  #release(): void {
    this.#recovery?.dispose();
    this.#recovery = null;
    // pc.close() closes the channel without a `close` event: the call is told here.
    if (this.#channel || this.#channelDue) this.#host.linkChannel(this, null);
    this.#channel = null;
    this.#channelDue = false;
    clearTimeout(this.#channelTimer);
    this.#channelTimer = undefined;
    const pc = this.#pc;
    this.#pc = null;
    if (pc) {
      this.#host.detachMedia(pc);
      pc.onicecandidate = pc.ontrack = pc.onnegotiationneeded = null;
      pc.close();
    }
  }

  /**
   * The peer's offer is set and our answer is next. An offer with an m=application section comes from a
   * peer with the channel: ours is made now, between the two, so it rides on this answer with no
   * renegotiation. An offer without one from a kit peer (it names its call tag) is a group call's: the
   * channel comes after the media (settled()). The seed's pages name none, and get no channel.
   */
  #answering(offer: RTCSessionDescriptionInit): void {
    if (!this.#pc) return;
    if (/^m=application /m.test(offer.sdp ?? '')) this.#openChannel(this.#pc);
    else if (this.tag && !this.#channel) this.#channelComing();
  }

  #channelComing(): void {
    if (this.#channelDue) return;
    this.#channelDue = true;
    this.#host.linkChannel(this, 'coming');
  }

  #openChannel(pc: RTCPeerConnection): void {
    if (this.#channel) return;
    this.#channelDue = false;
    clearTimeout(this.#channelTimer);
    this.#channelTimer = undefined;
    this.#channel = createDataChannel(pc);
    this.#host.linkChannel(this, this.#channel);
  }

  /** A negotiation step once the connection is open; after a local description is set, candidates must follow. */
  async #step(step: (negotiation: Negotiation) => Promise<RTCSessionDescriptionInit | null>): Promise<RTCSessionDescriptionInit | null> {
    // Open already: the step starts in this task (#open says why).
    if (!this.#negotiation) await this.#opened;
    if (this.#closed || !this.#negotiation) return null;
    const description = await step(this.#negotiation);
    if (description) this.#recovery?.expectCandidates();
    return this.#closed ? null : description;
  }

  // ----- What ICE recovery uses of the link (RecoveryHost) ------------------------------------------

  /** The configuration for an ICE restart, with freshly fetched ICE servers. */
  rtcConfiguration(): Promise<RTCConfiguration> {
    return this.#host.rtcConfiguration(true);
  }

  /** Makes and sends an offer now, if the connection is stable (an ICE restart's). */
  renegotiate(): void {
    this.#driver.offer(this);
  }

  /** Moves the link to `next`: its stats follow, and the call hears of it. */
  setState(next: PeerState): void {
    if (this.state === next) return;
    this.state = next;
    this.#setStatsTimer(next === 'connected');
    this.#host.linkChanged(this, 'state');
  }

  /**
   * While connected, samples the quality every STATS_INTERVAL_MS. The code that reads the reports is a
   * chunk, loaded when the first peer connects: the first report is due an interval later anyway.
   */
  #setStatsTimer(on: boolean): void {
    clearInterval(this.#statsTimer);
    this.#statsTimer = undefined;
    this.stats = null;
    const pc = this.#pc;
    if (!on || !pc) return;
    let previous: RTCStatsReport | null = null;
    const reading = chunk('the call quality', import('./call-stats.js'));
    const sample = async () => {
      const both = await Promise.all([pc.getStats(), reading]).catch(() => null);
      if (!both || this.#statsTimer !== timer) return;
      const [report, { callStats }] = both;
      if (previous) {
        this.stats = callStats(report, previous);
        this.#host.linkChanged(this, 'stats');
      }
      previous = report;
    };
    const timer = (this.#statsTimer = setInterval(sample, STATS_INTERVAL_MS));
    void sample();
  }
}

