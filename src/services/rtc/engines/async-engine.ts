import { encodeSignal, HubMethod, type Signal, type SignalType } from '../../signaling/hub-contract.js';
import type { PeerLink } from '../peer-link.js';
import { sendSignal, type CallEngine, type EngineHost } from './call-engine.js';

/**
 * The `async` variant: the seed's `Rtc.razor` with its `WebRtcService`, written with async/await. It
 * signals with `SignalWebRtc(channel, type, payload)`. The element stays thin: streams reach
 * `<rtc-remote-video>` through the service.
 */
export class AsyncEngine implements CallEngine {
  readonly #host: EngineHost;

  constructor(host: EngineHost) {
    this.#host = host;
  }

  async offer(link: PeerLink): Promise<void> {
    try {
      const offer = await link.offer();
      if (offer) await this.#send(link, 'offer', offer);
    } catch (cause) {
      link.offerFailed(cause);
    }
  }

  async signal(link: PeerLink, signal: Signal): Promise<void> {
    try {
      if (signal.type === 'candidate') return await link.addCandidate(signal.candidate);
      const answer = await link.receive(signal.description);
      if (answer) await this.#send(link, 'answer', answer);
    } catch (cause) {
      link.signalFailed(signal, cause);
    }
  }

  async candidate(link: PeerLink, candidate: RTCIceCandidate): Promise<void> {
    // Sent as gathered, possibly before the answer arrives, as the seed does. A lost one is not fatal.
    await this.#send(link, 'candidate', candidate).catch(() => {});
  }

  track(link: PeerLink, stream: MediaStream | null): void {
    link.setStream(stream);
  }

  local(): void {}

  async #send(link: PeerLink, type: SignalType, body: RTCSessionDescriptionInit | RTCIceCandidate): Promise<void> {
    await sendSignal(this.#host, HubMethod.SignalWebRtc, type, encodeSignal(body, link.address));
  }
}
