import type { Signal } from '../../signaling/hub-contract.js';
import type { LinkDriver, PeerLink } from '../peer-link.js';

/** `async` (the default) or `then`: the seed's two pages, as two ways to drive the same call. */
export type CallVariant = 'async' | 'then';

/** The element's own videos, for the `then` variant, which shows the streams in them itself. */
export interface VariantVideos {
  local(): HTMLVideoElement | null;
  remote(peerId: string): HTMLVideoElement | null;
}

/** What an engine may use of its call: the hub link for the call's channel, and the element's videos. */
export interface EngineHost {
  readonly channel: string;
  /** Calls a hub method on the call's hub link. */
  invoke(method: string, ...args: unknown[]): Promise<unknown>;
  readonly videos: VariantVideos | null;
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
