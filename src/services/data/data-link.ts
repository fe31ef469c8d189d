import { RtcError } from '../rtc/rtc-error.js';
import { decode, encode, type WireMessage } from './wire.js';

// This module is in every page's initial bundle: keep it small. File transfer lives in files.ts, a chunk
// loaded on first use; nothing of it is imported here (only its hook, FileTraffic, as a type).

/** The most a chat message may be: 16 KB of UTF-8. */
export const MAX_CHAT_BYTES = 16384;

/** A peer's name and mute state, as its hello and presence messages say. */
export interface Presence {
  name: string | null;
  audioMuted: boolean;
  videoMuted: boolean;
}

/** A chat message from the peer; `at` is when it arrived here (Date.now()), not the peer's clock. */
export interface ChatMessage {
  text: string;
  at: number;
}

/** The file module's side of a link: it gets the link's file messages and chunks, in order. */
export interface FileTraffic {
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
  /** The peer sent a chat message. Messages from one peer come in the order it sent them. */
  onchat?(message: ChatMessage): void;
  /**
   * The peer started a file transfer and no file module is attached: load it and call
   * `link.attachFiles(…)`. Called once; the file messages are held until then. Without this option,
   * file messages are ignored like unknown ones.
   */
  onfiles?(link: DataLink): void;
}

/**
 * One peer's `rtc-kit` data channel (format in wire.ts): hello and presence, chat, and the hand-off of
 * file traffic to the file module. Give it the channel open or not yet open; it says hello on open.
 * It never closes the channel: the peer connection's owner does, and calls `close()` here then.
 */
export class DataLink {
  /** The peer's name and mute state; null until its hello. */
  peer: Presence | null = null;
  #files: FileTraffic | null = null;
  /** File traffic that came before a file module was attached. */
  #held: Array<WireMessage | ArrayBuffer> | null = null;
  /** Text sent before the channel opened. */
  #pending: string[] | null = [];

  constructor(
    /** The `rtc-kit` channel. */
    readonly channel: RTCDataChannel,
    private readonly options: DataLinkOptions,
  ) {
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

  /** Sends a chat message. Throws an RtcError `message-too-large` above 16 KB of UTF-8. */
  sendChat(text: string): void {
    checkChat(text);
    this.send('chat', { text });
  }

  /** Sends a control message; before open it waits, after close it is dropped. */
  send(t: string, fields: object): void {
    const text = encode(t, fields);
    if (this.channel.readyState === 'open') this.channel.send(text);
    else this.#pending?.push(text);
  }

  /** Hands this link's file traffic to the file module, the held messages first. */
  attachFiles(files: FileTraffic): void {
    this.#files = files;
    for (const data of this.#held?.splice(0) ?? []) files.receive(data);
    if (!this.#pending) files.closed();
  }

  /** Stops listening; transfers on this link fail. Idempotent. */
  close(): void {
    if (!this.#pending) return;
    this.#pending = null;
    for (const type of ['open', 'message', 'close']) this.channel.removeEventListener(type, this);
    this.#files?.closed();
  }

  /** @internal The channel's events (one listener object for all three). */
  handleEvent(event: Event): void {
    if (event.type === 'open') this.#open();
    else if (event.type === 'close') this.close();
    else this.#receive((event as MessageEvent).data);
  }

  #open(): void {
    this.send('hello', this.options.presence());
    for (const text of this.#pending?.splice(0) ?? []) this.channel.send(text);
  }

  #receive(data: string | ArrayBuffer): void {
    const message = typeof data === 'string' ? decode(data) : data;
    if (!message) return;
    if (message instanceof ArrayBuffer || message.t.startsWith('file-')) return this.#file(message);
    const { t, text, name } = message;
    if (t === 'hello' || t === 'presence') {
      // Only the fields we know, each checked: a peer's message is input, not trusted state.
      this.peer = { name: typeof name === 'string' ? name.slice(0, 256) : null, audioMuted: message.audioMuted === true, videoMuted: message.videoMuted === true };
      this.options.onpresence?.(this.peer);
    } else if (t === 'chat' && typeof text === 'string' && utf8Length(text) <= MAX_CHAT_BYTES) {
      this.options.onchat?.({ text, at: Date.now() });
    }
  }

  #file(data: WireMessage | ArrayBuffer): void {
    if (!this.#files && !this.#held && this.options.onfiles) {
      this.#held = [];
      this.options.onfiles(this); // may attach at once, if the file module is loaded already
    }
    if (this.#files) this.#files.receive(data);
    else this.#held?.push(data);
  }
}

/** Throws an RtcError `message-too-large` if `text` is over 16 KB of UTF-8. */
export function checkChat(text: string): void {
  const bytes = utf8Length(text);
  if (bytes > MAX_CHAT_BYTES) {
    throw new RtcError('message-too-large', `A chat message can be at most 16 KB (${MAX_CHAT_BYTES} bytes of UTF-8); this one is ${bytes} bytes.`);
  }
}

/** The bytes of `text` in UTF-8 (a lone surrogate counts as the 3 bytes of U+FFFD, as it is sent). */
function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
