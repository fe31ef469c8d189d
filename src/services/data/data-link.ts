import { decode, encode, type WireMessage } from './wire.js';

// This module is in every page's initial bundle: keep it small. It knows hello and presence only.
// Everything else on the channel (chat, files) goes to the data chunk (files.ts), loaded when first
// needed; until then it is held here, in order.

/** A peer's name and mute state, as its hello and presence messages say. */
export interface Presence {
  name: string | null;
  audioMuted: boolean;
  videoMuted: boolean;
}

/** The data chunk's side of a link: every message but hello and presence, and every binary frame, in order. */
export interface Traffic {
  receive(data: WireMessage | ArrayBuffer): void;
  /** The link closed: every transfer on it failed. */
  closed(): void;
}

export interface DataLinkOptions {
  /** The peer's id (its hub connection id), read when an event needs it. */
  id(): string;
  /** Our name and mute state, read when hello or presence is sent. */
  presence(): Presence;
  /** The peer said hello, or its presence changed. */
  onpresence?(presence: Presence): void;
  /**
   * The peer sent something other than hello or presence (chat, a file), and nothing is attached: load
   * the data chunk and call `link.attach(…)`. Called once; the traffic is held until then. Without this
   * option, such traffic is ignored like unknown messages.
   */
  ontraffic?(link: DataLink): void;
}

/**
 * One peer's `rtc-kit` data channel (format in wire.ts): hello and presence, and the hand-off of the
 * rest to the data chunk. Give it the channel open or not yet open, or none yet (in a group call the
 * channel comes after the media: `setChannel` then); it says hello on open, and what is sent before
 * waits for it. It never closes the channel: the peer connection's owner does, and calls `close()` here then.
 */
export class DataLink {
  /** The peer's name and mute state; null until its hello. */
  peer: Presence | null = null;
  #channel: RTCDataChannel | null = null;
  #traffic: Traffic | null = null;
  /** Traffic that came before the data chunk was attached. */
  #held: Array<WireMessage | ArrayBuffer> | null = null;
  /** Text sent before the channel opened; null once closed. */
  #pending: string[] | null = [];

  constructor(
    /** The `rtc-kit` channel, or null while it is still to be made. */
    channel: RTCDataChannel | null,
    private readonly options: DataLinkOptions,
  ) {
    if (channel) this.setChannel(channel);
  }

  /** The `rtc-kit` channel; null while it is still to be made. */
  get channel(): RTCDataChannel | null {
    return this.#channel;
  }

  /** The channel, made now. Once: a link has one channel for its life. */
  setChannel(channel: RTCDataChannel): void {
    if (this.#channel || !this.#pending) return;
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    for (const type of ['open', 'message', 'close']) channel.addEventListener(type, this);
    if (channel.readyState === 'open') this.#open();
  }

  /** The peer's id. */
  get id(): string {
    return this.options.id();
  }

  /** Sends our mute state (and name) again; call it on every change. */
  sendPresence(): void {
    this.send('presence', this.options.presence());
  }

  /** Sends a control message; before open it waits, after close it is dropped. */
  send(t: string, fields: object): void {
    const text = encode(t, fields);
    if (this.#channel?.readyState === 'open') this.#channel.send(text);
    else this.#pending?.push(text);
  }

  /** Hands the rest of this link's traffic to the data chunk, the held traffic first. */
  attach(traffic: Traffic): void {
    this.#traffic = traffic;
    for (const data of this.#held?.splice(0) ?? []) traffic.receive(data);
    if (!this.#pending) traffic.closed();
  }

  /** Stops listening; transfers on this link fail. Idempotent. */
  close(): void {
    if (!this.#pending) return;
    this.#pending = null;
    for (const type of ['open', 'message', 'close']) this.#channel?.removeEventListener(type, this);
    this.#traffic?.closed();
  }

  /** @internal The channel's events (one listener object for all three). */
  handleEvent(event: Event): void {
    if (event.type === 'open') this.#open();
    else if (event.type === 'close') this.close();
    else this.#receive((event as MessageEvent).data);
  }

  #open(): void {
    this.send('hello', this.options.presence());
    for (const text of this.#pending?.splice(0) ?? []) this.#channel!.send(text);
  }

  #receive(data: string | ArrayBuffer): void {
    const message = typeof data === 'string' ? decode(data) : data;
    if (!message) return;
    if (!(message instanceof ArrayBuffer) && (message.t === 'hello' || message.t === 'presence')) {
      const { name } = message;
      // Only the fields we know, each checked: a peer's message is input, not trusted state.
      this.peer = { name: typeof name === 'string' ? name.slice(0, 256) : null, audioMuted: message.audioMuted === true, videoMuted: message.videoMuted === true };
      return this.options.onpresence?.(this.peer);
    }
    if (!this.#traffic && !this.#held && this.options.ontraffic) {
      this.#held = [];
      this.options.ontraffic(this); // may attach at once, if the chunk is loaded already
    }
    if (this.#traffic) this.#traffic.receive(message);
    else this.#held?.push(message);
  }
}
