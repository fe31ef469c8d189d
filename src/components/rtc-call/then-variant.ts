import { encodeCandidate, encodeDescription, decodeCandidate, decodeDescription, HubMethod, type SignalType } from '../../services/signaling/hub-contract.js';
import { RtcError } from '../../services/rtc/rtc-error.js';
import { toRtcError, type CallEngine, type RtcService } from '../../services/rtc/rtc-service.js';

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
 * The service still holds the state and the streams, so `<rtc-remote-video>` and the events work
 * the same in both variants.
 */
export class ThenCallEngine implements CallEngine {
  private pc: RTCPeerConnection | null = null;
  private unwatch: (() => void) | null = null;
  /** Candidates that came before the offer or answer they belong to; added after it, never dropped. */
  private pending: RTCIceCandidateInit[] = [];
  /** Signals are applied one after another, in the order they came. */
  private chain: Promise<void> = Promise.resolve();

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

  call(): Promise<void> {
    return this.createPeerConnection().then((pc) =>
      pc
        .createOffer()
        .then((offer) => pc.setLocalDescription(offer))
        .then(() => this.send(HubMethod.Offer, encodeDescription(pc.localDescription!))),
    );
  }

  signal(type: SignalType, payload: string): void {
    this.chain = this.chain
      .then(() => this.apply(type, payload))
      .catch((cause) => this.service.fail(toRtcError(cause, 'negotiation-failed', `The peer's ${type} could not be used`)));
  }

  close(): void {
    this.pending = [];
    this.closePeerConnection();
    const { local, remote } = this.videos();
    if (remote) remote.srcObject = null;
    if (local && !this.service.localStream) local.srcObject = null;
  }

  private apply(type: SignalType, payload: string): Promise<void> {
    if (type === 'candidate') {
      const candidate = decodeCandidate(payload);
      if (this.pc && this.pc.remoteDescription) return this.pc.addIceCandidate(candidate);
      this.pending.push(candidate);
      return Promise.resolve();
    }
    const description = decodeDescription(payload);
    if (description.type === 'answer') {
      const pc = this.pc;
      if (!pc || pc.signalingState !== 'have-local-offer') return Promise.resolve();
      return pc.setRemoteDescription(description).then(() => this.addPending(pc));
    }
    const state = this.service.state;
    if (state === 'idle' || state === 'failed') return Promise.resolve();
    return (this.pc ? Promise.resolve(this.pc) : this.createPeerConnection()).then((pc) => {
      if (this.service.state !== 'connecting' && this.service.state !== 'connected') this.service.setState('connecting');
      return pc
        .setRemoteDescription(description)
        .then(() => this.addPending(pc))
        .then(() => pc.createAnswer())
        .then((answer) => pc.setLocalDescription(answer))
        .then(() => this.send(HubMethod.Answer, encodeDescription(pc.localDescription!)));
    });
  }

  private addPending(pc: RTCPeerConnection): Promise<void> {
    const candidates = this.pending.splice(0);
    return candidates.reduce<Promise<void>>((done, candidate) => done.then(() => pc.addIceCandidate(candidate)), Promise.resolve());
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
      this.unwatch = service.watchIce(pc);
      const local = service.localStream;
      if (local) local.getTracks().forEach((track) => pc.addTrack(track, local));
      pc.onicecandidate = (event) => {
        if (event.candidate) this.send(HubMethod.Candidate, encodeCandidate(event.candidate)).catch(() => {});
      };
      pc.ontrack = (event) => {
        const stream = event.streams[0] ?? new MediaStream([event.track]);
        const video = this.videos().remote;
        if (video) video.srcObject = stream;
        service.setRemoteStream(service.peerId ?? 'peer', stream);
      };
      pc.onconnectionstatechange = () => {
        if (this.pc !== pc) return;
        if (pc.connectionState === 'connected' && service.state === 'connecting') service.setState('connected');
        if (pc.connectionState === 'failed') {
          service.fail(new RtcError('ice-failed', 'No network path to the peer was found. A TURN relay may be needed; see ice-servers-url.'));
        }
      };
      return pc;
    });
  }

  private closePeerConnection(): void {
    this.unwatch?.();
    this.unwatch = null;
    const pc = this.pc;
    this.pc = null;
    if (!pc) return;
    pc.onicecandidate = pc.ontrack = pc.onconnectionstatechange = null;
    pc.close();
  }
}
