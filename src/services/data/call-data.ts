// The data channels of one call (contract section 10): a DataLink per peer that has the `rtc-kit`
// channel, and our name and mute state sent to each. In every page's initial bundle, so it does only
// that; chat and files are the data chunk's (call-traffic.ts), loaded at the first message or file,
// sent or received. The service owns one CallData.
import { chunk } from '../rtc/rtc-error.js';
import type { ChatHostEventMap } from './chat-host.js';
import type { CallTraffic } from './call-traffic.js';
import { DataLink, type Presence } from './data-link.js';

/** What the data channels need of their call. */
export interface CallDataHost {
  /** Our name and mute state now. */
  presence(): Presence;
  /** The largest file we send or accept, in bytes. */
  maxFileSize(): number;
  /** A peer's name or mute state changed. */
  peersChanged(): void;
  /** Announces a chat or file event (ChatHostEventMap). */
  announce<K extends keyof ChatHostEventMap>(type: K, detail: ChatHostEventMap[K]): void;
}

export class CallData {
  /** Each peer's link, by the key the call added it with (its PeerLink). */
  readonly #links = new Map<object, DataLink>();
  #chunk: Promise<CallTraffic> | null = null;
  /** Chat and files, once the data chunk has loaded. */
  loaded: CallTraffic | null = null;
  /** The presence last sent to everyone, as JSON: a change is sent once. */
  #sent = '';

  constructor(readonly host: CallDataHost) {}

  /** Every peer's link. */
  get links(): DataLink[] {
    return [...this.#links.values()];
  }

  /**
   * A peer's `rtc-kit` channel was made (it says hello on open), or, with null, is to come after the
   * media: what is sent to that peer meanwhile waits for it.
   */
  add(peer: object, channel: RTCDataChannel | null, id: () => string): void {
    const { host } = this;
    const link = this.#links.get(peer);
    if (link) {
      if (channel) link.setChannel(channel);
      return;
    }
    this.#links.set(peer, new DataLink(channel, { id, presence: host.presence, onpresence: host.peersChanged, ontraffic: (link) => void this.traffic().then((t) => t.attach(link), () => {}) }));
  }

  /** The peer's connection closed: its transfers fail (`left`). */
  remove(peer: object): void {
    this.#links.get(peer)?.close();
    this.#links.delete(peer);
  }

  /** The peer's name and mute state, once it said hello. */
  peer(peer: object): Presence | null {
    return this.#links.get(peer)?.peer ?? null;
  }

  /** Our name or mute state may have changed: a change goes to every peer. */
  presenceChanged(): void {
    const now = JSON.stringify(this.host.presence());
    if (now === this.#sent) return;
    this.#sent = now;
    for (const link of this.#links.values()) link.sendPresence();
  }

  /** Chat and files: the data chunk, loaded on first use. */
  traffic(): Promise<CallTraffic> {
    this.#chunk ??= chunk('chat and file transfer', import('./call-traffic.js')).then((m) => (this.loaded = new m.CallTraffic(this)));
    this.#chunk.catch(() => (this.#chunk = null));
    return this.#chunk;
  }
}
