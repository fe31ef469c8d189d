// The data channels of one call (contract section 10): a DataLink per peer that has the `rtc-kit`
// channel, our name and mute state sent to each, chat to all of them, and files through the file
// module, a chunk loaded at the first file either way. The service owns one CallData.
import { chunk } from '../rtc/rtc-error.js';
import type { RtcError } from '../rtc/rtc-error.js';
import type { ChatHostEventMap } from './chat-host.js';
import { checkChat, DataLink, type Presence } from './data-link.js';
import type { FileTransfers } from './files.js';

/** What CallData needs of its call. */
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

/** A peer as CallData knows it: the key it was added with, and its id, read when needed. */
type PeerKey = object;

export class CallData {
  readonly #links = new Map<PeerKey, DataLink>();
  #files: Promise<FileTransfers> | null = null;
  #loaded: FileTransfers | null = null;
  /** The presence last sent to everyone, as JSON: a change is sent once. */
  #sent = '';
  readonly #host: CallDataHost;

  constructor(host: CallDataHost) {
    this.#host = host;
  }

  /** A peer's `rtc-kit` channel was made; it says hello on open. */
  add(peer: PeerKey, channel: RTCDataChannel, id: () => string): void {
    this.remove(peer);
    const link = new DataLink(channel, {
      id,
      presence: () => this.#host.presence(),
      onpresence: () => this.#host.peersChanged(),
      onchat: ({ text, at }) => this.#host.announce('message', { from: id(), name: link.peer?.name ?? null, text, at }),
      onfiles: (link) => void this.#transfers().then((files) => files.attach(link), () => {}),
    });
    this.#links.set(peer, link);
  }

  /** The peer's connection closed: its transfers fail (`left`). */
  remove(peer: PeerKey): void {
    this.#links.get(peer)?.close();
    this.#links.delete(peer);
  }

  /** The peer's name and mute state, once it said hello. */
  peer(peer: PeerKey): Presence | null {
    return this.#links.get(peer)?.peer ?? null;
  }

  /** Our name or mute state may have changed: a change goes to every peer. */
  presenceChanged(): void {
    const now = JSON.stringify(this.#host.presence());
    if (now === this.#sent) return;
    this.#sent = now;
    for (const link of this.#links.values()) link.sendPresence();
  }

  /** The largest file may have changed; a transfer already accepted keeps its limit. */
  limitChanged(): void {
    if (this.#loaded) this.#loaded.options.maxFileSize = this.#host.maxFileSize();
  }

  /** Sends a chat message to every peer; throws `message-too-large` before sending to any. */
  sendMessage(text: string): void {
    checkChat(text);
    for (const link of this.#links.values()) link.sendChat(text);
  }

  /** Sends a file to every peer; resolves with its id once every peer verified it. */
  async sendFile(file: Blob): Promise<string> {
    const files = await this.#transfers();
    const { id, done } = files.send(file, [...this.#links.values()]);
    await done;
    return id;
  }

  /** Cancels a transfer, sent or being received. */
  cancelFile(id: string): void {
    this.#loaded?.cancel(id);
  }

  /** Every peer's channel is gone (the call ended). */
  clear(): void {
    for (const peer of [...this.#links.keys()]) this.remove(peer);
  }

  #transfers(): Promise<FileTransfers> {
    this.#files ??= chunk('file transfer', import('./files.js')).then(
      ({ FileTransfers }) =>
        (this.#loaded = new FileTransfers({
          maxFileSize: this.#host.maxFileSize(),
          onprogress: ({ id, name, size, sent, from, received }) =>
            this.#host.announce('fileprogress', from === undefined ? { id, name, size, sent } : { id, name, size, from, received }),
          onfile: (file) => this.#host.announce('file', file),
          onerror: ({ id, peerId, error }) => this.#host.announce('error', { error: error as RtcError, fileId: id, peerId: peerId ?? undefined }),
        })),
    );
    this.#files.catch(() => (this.#files = null));
    return this.#files;
  }
}
