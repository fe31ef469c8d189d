import { encodeCandidate, encodeDescription, decodeCandidate, decodeDescription, HubMethod, type SignalType } from '../../services/signaling/hub-contract.js';
import { IceRecovery } from '../../services/rtc/ice-recovery.js';
import { RtcError } from '../../services/rtc/rtc-error.js';
import { isPolite, toRtcError, type CallEngine, type RtcService } from '../../services/rtc/rtc-service.js';

export interface ThenVariantVideos {
  local: HTMLVideoElement | null;
  remote: HTMLVideoElement | null;
}

/**
 * The `then` variant: the seed's Index.razor.js. Its call logic is promise chains, it puts the
 * streams straight into the element's own videos, and it signals with the hub methods `Offer`,
 * `Answer` and `Candidate` (the peer receives `ReceiveOffer`, `ReceiveAnswer`, `ReceiveCandidate`).
 * Like the seed's first page, it calls `Join` again before each send.
 *
 * Beyond the seed, it uses perfect negotiation, as the async engine does: when offers cross, the
 * polite side rolls its own back and the impolite side ignores the other's. Renegotiation goes
 * through `negotiationneeded`, and ICE recovery is shared with the async engine.
 *
 * The service still holds the state and the streams, so `<rtc-remote-video>` and the events work
 * the same in both variants.
 */
export class ThenCallEngine implements CallEngine {
  private pc: RTCPeerConnection | null = null;
  private recovery: IceRecovery | null = null;
  /** Candidates that came before the offer or answer they belong to; added after it, never dropped. */
  private pending: RTCIceCandidateInit[] = [];
  /** Signals are applied one after another, in the order they came. */
  private chain: Promise<void> = Promise.resolve();
  private makingOffer = false;
  private ignoreOffer = false;

  constructor(
    private readonly service: RtcService,
    private readonly videos: () => ThenVariantVideos,
  ) {}

  get peerConnection(): RTCPeerConnection | null {
    return this.pc;
  }

  start(): Promise<void> {
    return this.service.start().then(() => {
      const video = this.videos().local;
      if (video) video.srcObject = this.service.localStream;
    });
  }

  /** Adding the local media fires `negotiationneeded`, which sends the offer. */
  call(): Promise<void> {
    return (this.pc ? Promise.resolve(this.pc) : this.createPeerConnection()).then((pc) => this.service.attachLocalMedia(pc));
  }

  signal(type: SignalType, payload: string): void {
    this.chain = this.chain
      .then(() => this.apply(type, payload))
      .catch((cause) => this.service.fail(toRtcError(cause, 'negotiation-failed', `The peer's ${type} could not be used`)));
  }

  close(): void {
    this.pending = [];
    // A fresh chain: an operation on the closed connection may never settle, and must not hold up the next call.
    this.chain = Promise.resolve();
    this.closePeerConnection();
    const { local, remote } = this.videos();
    if (remote) remote.srcObject = null;
    if (local && !this.service.localStream) local.srcObject = null;
  }

  private apply(type: SignalType, payload: string): Promise<void> {
    if (type === 'candidate') {
      const candidate = decodeCandidate(payload);
      if (this.pc && this.pc.remoteDescription) return this.addCandidate(this.pc, candidate);
      this.pending.push(candidate);
      return Promise.resolve();
    }
    const description = decodeDescription(payload);
    const state = this.service.state;
    if (description.type === 'offer' && (state === 'idle' || state === 'failed')) return Promise.resolve();
    const fresh = !this.pc;
    if (fresh && description.type === 'answer') return Promise.resolve();
    return (this.pc ? Promise.resolve(this.pc) : this.createPeerConnection()).then((pc) => {
      const collision = description.type === 'offer' && (this.makingOffer || pc.signalingState !== 'stable');
      const signaling = this.service.signaling;
      this.ignoreOffer = collision && !isPolite(signaling?.connectionId, this.service.peerId, pc.localDescription?.sdp, description.sdp);
      if (this.ignoreOffer) return;
      if (description.type === 'answer' && pc.signalingState !== 'have-local-offer') return;
      const now = this.service.state;
      if (description.type === 'offer' && (now === 'ready' || now === 'ended')) this.service.setState('connecting');
      return pc
        .setRemoteDescription(description)
        .then(() => {
          // The callee adds its media after the offer, so its tracks reuse the offered transceivers.
          if (fresh) this.service.attachLocalMedia(pc);
        })
        .then(() => this.addPending(pc))
        .then(() => {
          if (description.type !== 'offer') return;
          return pc
            .setLocalDescription()
            .then(() => this.recovery?.expectCandidates())
            .then(() => this.send(HubMethod.Answer, encodeDescription(pc.localDescription!)));
        });
    });
  }

  private addCandidate(pc: RTCPeerConnection, candidate: RTCIceCandidateInit): Promise<void> {
    // A candidate of an offer we ignored, or of an ICE generation a restart replaced, is refused by
    // the browser, rightly; the call goes on with the candidates that match.
    return pc.addIceCandidate(candidate).catch(() => {});
  }

  private addPending(pc: RTCPeerConnection): Promise<void> {
    const candidates = this.pending.splice(0);
    return candidates.reduce<Promise<void>>((done, candidate) => done.then(() => this.addCandidate(pc, candidate)), Promise.resolve());
  }

  private send(method: string, payload: string): Promise<void> {
    const signaling = this.service.signaling;
    if (!signaling) return Promise.reject(new RtcError('signaling-unavailable', 'The call is not connected to the hub.'));
    const channel = this.service.config.channel;
    return signaling.invoke(HubMethod.Join, channel).then(() => signaling.invoke(method, channel, payload));
  }

  private createPeerConnection(): Promise<RTCPeerConnection> {
    return this.service.rtcConfiguration().then((configuration) => {
      const service = this.service;
      const pc = new RTCPeerConnection(configuration);
      this.closePeerConnection();
      this.pc = pc;
      const recovery = (this.recovery = new IceRecovery(service, pc));
      pc.onnegotiationneeded = () => {
        this.makingOffer = true;
        pc.setLocalDescription()
          .then(() => recovery.expectCandidates())
          .then(() => this.send(HubMethod.Offer, encodeDescription(pc.localDescription!)))
          .catch((cause) => {
            if (this.pc === pc) service.fail(toRtcError(cause, 'negotiation-failed', 'The offer could not be sent'));
          })
          .finally(() => (this.makingOffer = false));
      };
      pc.onicecandidate = (event) => {
        if (!event.candidate) return;
        recovery.candidateSent();
        this.send(HubMethod.Candidate, encodeCandidate(event.candidate)).catch(() => {});
      };
      pc.ontrack = (event) => {
        const stream = event.streams[0] ?? new MediaStream([event.track]);
        const video = this.videos().remote;
        if (video) video.srcObject = stream;
        service.setRemoteStream(service.peerId ?? 'peer', stream);
      };
      return pc;
    });
  }

  private closePeerConnection(): void {
    this.recovery?.dispose();
    this.recovery = null;
    this.makingOffer = this.ignoreOffer = false;
    const pc = this.pc;
    this.pc = null;
    if (!pc) return;
    pc.onicecandidate = pc.ontrack = pc.onnegotiationneeded = null;
    pc.close();
  }
}
