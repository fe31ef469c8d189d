import type { SignalingState } from '../signaling/hub-client.js';
import type { CallState, PeerState } from './call-state.js';

/** How an invitation ended (contract section 9): the callee's answer, or why there was none. */
export type InvitationEndReason = 'accept' | 'decline' | 'busy' | 'timeout' | 'unavailable' | 'cancelled' | 'answered-elsewhere';
import type { CallStats } from './call-stats.js';
import type { RtcError } from './rtc-error.js';
import type { ChatHostEventMap } from '../data/chat-host.js';
import { DEV_MODE } from '../../internal/dev-mode.js';

/** What the service announces, by event type. Elements turn these into `rtc-*` DOM events. */
export interface RtcServiceEventMap {
  statechange: { state: CallState; previous: CallState };
  /** `fileId` and `peerId` say which transfer, and whose copy, a `file-failed` is about. */
  error: { error: RtcError; fileId?: string; peerId?: string };
  /** A peer's chat message (ChatHostEventMap). */
  message: ChatHostEventMap['message'];
  /** A file transfer moved on: `sent` on the sender, `from` and `received` on a receiver. */
  fileprogress: ChatHostEventMap['fileprogress'];
  /** A file arrived whole, its SHA-256 checked. */
  file: ChatHostEventMap['file'];
  localstream: { stream: MediaStream | null };
  remotestream: { stream: MediaStream | null; peerId: string };
  peerjoin: { peerId: string };
  peerleave: { peerId: string };
  signalingstate: { state: SignalingState };
  /** Mute, the device list or choice, or screen sharing changed; read them from the service. */
  mediachange: null;
  /** A peer's quality, every 2 s while connected to it. */
  stats: { stats: CallStats; peerId: string };
  /** A peer's connection moved to a new state. */
  peerstate: { peerId: string; state: PeerState };
  /** Peers came, went, or changed (state, id, stream or stats): read `peers`. */
  peerschange: null;
  /** Someone rings: cancel the event to answer it yourself, even while in a call (else `busy`). */
  invitation: { invitationId: string; from: string; name: string | null; info: unknown };
  /** An invitation ended, either way: `accept`, `decline`, `busy`, `timeout`, `unavailable`, `cancelled` or `answered-elsewhere`. */
  invitationend: { invitationId: string; reason: InvitationEndReason };
  /** A signal from a peer, whichever hub method carried it, before it is handled. */
  signal: { type: 'offer' | 'answer' | 'candidate'; payload: string };
}

export class RtcServiceEvent<K extends keyof RtcServiceEventMap> extends Event {
  constructor(
    type: K,
    readonly detail: RtcServiceEventMap[K],
  ) {
    // Cancelable: a page may take an incoming invitation over (contract section 9).
    super(type, { cancelable: true });
  }
}

export type RtcServiceListener<K extends keyof RtcServiceEventMap> = (event: RtcServiceEvent<K>) => void;

/** In the minified bundles: a plain EventTarget, whose `listenerCount()` is always 0. */
class UncountedEventTarget extends EventTarget {
  listenerCount(_type?: string): number {
    return 0;
  }
}

/**
 * In dev mode: an EventTarget that counts its listeners, so a test can prove an element left none behind
 * (the weak-events advice of the seed, done the web way). The minified bundles, built with dev mode off,
 * leave this class out, with its overrides of addEventListener and removeEventListener.
 */
class CountedEventTarget extends UncountedEventTarget {
  readonly #counts = new Map<string, Set<EventListenerOrEventListenerObject>>();

  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: AddEventListenerOptions | boolean,
  ): void {
    super.addEventListener(type, listener, options);
    if (!listener) return;
    let set = this.#counts.get(type);
    if (!set) this.#counts.set(type, (set = new Set()));
    set.add(listener);
  }

  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: EventListenerOptions | boolean,
  ): void {
    super.removeEventListener(type, listener, options);
    if (listener) this.#counts.get(type)?.delete(listener);
  }

  /** Listeners for `type`, or for every type when none is given. */
  override listenerCount(type?: string): number {
    if (type !== undefined) return this.#counts.get(type)?.size ?? 0;
    let total = 0;
    for (const set of this.#counts.values()) total += set.size;
    return total;
  }
}

/** The service's EventTarget: typed `listen()` and `emit()`, and `listenerCount()` (dev mode only). */
export class CountingEventTarget extends (DEV_MODE ? CountedEventTarget : UncountedEventTarget) {
  /** Typed `addEventListener` that returns its own undo. */
  listen<K extends keyof RtcServiceEventMap>(type: K, listener: RtcServiceListener<K>): () => void {
    const handler = listener as unknown as EventListener;
    this.addEventListener(type, handler);
    return () => this.removeEventListener(type, handler);
  }

  /** Announces an event; false if a listener called preventDefault(). */
  protected emit<K extends keyof RtcServiceEventMap>(type: K, detail: RtcServiceEventMap[K]): boolean {
    return this.dispatchEvent(new RtcServiceEvent(type, detail));
  }
}
