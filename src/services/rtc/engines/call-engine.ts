import type { HubClient } from '../../signaling/hub-client.js';
import { RtcError } from '../rtc-error.js';
import type { Signal } from '../../signaling/hub-contract.js';
import type { LinkDriver, PeerLink } from '../peer-link.js';

/** `async` (the default) or `then`: the seed's two pages, as two ways to drive the same call. */
export type CallVariant = 'async' | 'then';

/** The element's own videos, for the `then` variant, which shows the streams in them itself. */
export interface VariantVideos {
  local(): HTMLVideoElement | null;
  remote(peerId: string): HTMLVideoElement | null;
}

/** What an engine may use of its call (the service itself): the hub link, the channel, and the element's videos. */
export interface EngineHost {
  readonly config: { readonly channel: string; readonly videos: VariantVideos | null };
  /** The call's hub link; null once the call let it go. */
  readonly signaling: HubClient | null;
}

/** Sends a signal of the call's channel with a hub method; rejects with `signaling-unavailable` without a hub link. */
export function sendSignal(host: EngineHost, method: string, ...args: unknown[]): Promise<unknown> {
  return host.signaling?.invoke(method, host.config.channel, ...args) ?? Promise.reject(new RtcError('signaling-unavailable', 'The call is not connected to the hub.'));
}

/**
 * How a call's signals travel, and in which style its steps are written: what the two variants keep apart.
 * The negotiation itself (perfect negotiation, the candidate queue, politeness, ICE restarts, the
 * watchdog) is the peer link's, shared by both.
 */
export interface CallEngine extends LinkDriver {
  /** A signal from the link's peer, in arrival order. */
  signal(link: PeerLink, signal: Signal): void;
  /** The local stream opened or closed. */
  local(stream: MediaStream | null): void;
}
