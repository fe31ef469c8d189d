import { encodeSignal, HubMethod, type Signal } from '../../signaling/hub-contract.js';
import type { PeerLink } from '../peer-link.js';
import { sendSignal, type CallEngine, type EngineHost } from './call-engine.js';

/**
 * The `then` variant: the seed's `Index.razor` with its `Index.razor.js`, written as promise chains. It
 * signals with the hub methods `Offer`, `Answer` and `Candidate` (the peer receives `ReceiveOffer`,
 * `ReceiveAnswer` and `ReceiveCandidate`), and puts the streams straight into the element's own videos.
 * Loaded on first use: most pages never need it.
 */
export class ThenEngine implements CallEngine {
  readonly #host: EngineHost;

  constructor(host: EngineHost) {
    this.#host = host;
  }

  offer(link: PeerLink): void {
    link
      .offer()
      .then((offer) => offer && this.#send(HubMethod.Offer, link, offer))
      .catch((cause) => link.offerFailed(cause));
  }

  signal(link: PeerLink, signal: Signal): void {
    (signal.type === 'candidate'
      ? link.addCandidate(signal.candidate)
      : link.receive(signal.description).then((answer) => answer && this.#send(HubMethod.Answer, link, answer))
    ).catch((cause) => link.signalFailed(signal, cause));
  }

  candidate(link: PeerLink, candidate: RTCIceCandidate): void {
    this.#send(HubMethod.Candidate, link, candidate).catch(() => {});
  }

  track(link: PeerLink, stream: MediaStream | null): void {
    const video = this.#host.config.videos?.remote(link.id);
    if (video) video.srcObject = stream;
    link.setStream(stream);
  }

  local(stream: MediaStream | null): void {
    const video = this.#host.config.videos?.local();
    if (video) video.srcObject = stream;
  }

  #send(method: string, link: PeerLink, body: RTCSessionDescriptionInit | RTCIceCandidate): Promise<unknown> {
    return sendSignal(this.#host, method, encodeSignal(body, link.address));
  }
}
