// File transfer over the `rtc-kit` data channel, part of the data chunk (call-traffic.ts). It also hands
// on chat messages (chat.ts): both are what a link carries besides hello and presence. It imports nothing
// from the call core except RtcError; the call hands it DataLinks (data-link.ts).
//
//   const files = new FileTransfers({ maxFileSize, onprogress, onfile, onerror });
//   files.attach(link);                       // from DataLinkOptions.ontraffic, and before sending on a link
//   const { id, done } = files.send(file, links);
//   files.cancel(id);
//
// The rules (docs/data-channel.md):
// - The sender offers the file to every link, and sends chunks only to those that accept: a receiver
//   checks the size against its own maxFileSize before any chunk is sent.
// - The sender reads the Blob once, 1 MiB at a time, and sends each chunk to every accepting link. It
//   never queues more than HIGH_WATER_MARK (file-send.ts) bytes in one channel (bufferedAmountLowThreshold).
// - The checksum (SHA-256 over 1 MiB blocks, file-hash.ts) goes in a trailer (file-end), computed while
//   sending: a header would need the whole file read once before the first byte is sent, and read again
//   to send it. The receiver holds every chunk until the trailer anyway, because it hands over nothing
//   that is not verified.
// - A failure ends one receiver's copy only; the sender carries on to the others.
import type { RtcError } from '../rtc/rtc-error.js';
import { readChat, type ChatMessage } from './chat.js';
import type { DataLink, Traffic } from './data-link.js';
import { receiveError, type FailReason, wireReason, who } from './file-errors.js';
import { canHash } from './file-hash.js';
import { Incoming } from './file-receive.js';
import { Outgoing } from './file-send.js';
import type { WireMessage } from './wire.js';

/** The most a receiver accepts by default: 100 MB (100 × 2^20 bytes). */
export const DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024;

/** A transfer's progress: `sent` on the sender (bytes handed to every channel), `received` and `from` on a receiver. */
export interface FileProgress {
  id: string;
  /** The file's name. */
  name: string;
  size: number;
  sent?: number;
  from?: string;
  received?: number;
}

/** A file that arrived whole, its SHA-256 checked. */
export interface ReceivedFile {
  id: string;
  from: string;
  name: string;
  size: number;
  type: string;
  blob: Blob;
}

/** A transfer that failed (`file-failed`): for one peer's copy, or with `peerId` null the whole send. */
export interface FileFailure {
  id: string;
  peerId: string | null;
  error: RtcError;
}

export interface FileTransferOptions {
  /**
   * The largest file this side sends or accepts, in bytes; read at every send and offer, so a getter
   * follows a setting that changes. Default 100 MB.
   */
  maxFileSize?: number;
  onprogress?(progress: FileProgress): void;
  onfile?(file: ReceivedFile): void;
  onerror?(failure: FileFailure): void;
  /** A peer's chat message, which comes through here with the files (chat.ts). */
  onchat?(link: DataLink, message: ChatMessage): void;
}

/** A send under way: its id at once, and `done` once every peer has the file (or a copy failed). */
export interface FileSend {
  id: string;
  /** Resolves once every receiver verified its copy; rejects with the first `file-failed` RtcError. */
  done: Promise<void>;
}

/** What FileTransfers keeps per link, and hands the link as its traffic: the link's incoming transfers by number. */
interface LinkFiles extends Traffic {
  readonly link: DataLink;
  readonly incoming: Map<number, Incoming>;
}

/** Every file transfer of one call, to and from all of its peers. */
export class FileTransfers {
  readonly #links = new Map<DataLink, LinkFiles>();
  readonly #outgoing = new Map<string, Outgoing>();
  /** Transfer numbers for chunk headers: one per send, the same on every link of that send. */
  #next = 1;

  constructor(readonly options: FileTransferOptions = {}) {
    const max = this.maxFileSize;
    if (!Number.isSafeInteger(max) || max < 0) throw new TypeError(`FileTransfers: maxFileSize must be a whole number of at least 0, not ${String(max)}.`);
  }

  /** The largest file sent or accepted now. */
  get maxFileSize(): number {
    return this.options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  }

  /** Takes over `link`'s traffic: files, and chat for `onchat`. Idempotent. */
  attach(link: DataLink): void {
    if (this.#links.has(link)) return;
    const files: LinkFiles = { link, incoming: new Map(), receive: (data) => this.#receive(files, data), closed: () => this.#closed(files) };
    this.#links.set(link, files);
    link.attach(files);
  }

  /**
   * Sends `file` to every link (attaching any not attached yet). Progress and failures come through the
   * callbacks; a file over maxFileSize fails at once, before anything is sent.
   */
  send(file: Blob, links: readonly DataLink[]): FileSend {
    for (const link of links) this.attach(link);
    const id = randomId();
    const outgoing = new Outgoing(this, id, this.#next++, file, links);
    this.#outgoing.set(id, outgoing);
    const done = outgoing.run().finally(() => this.#outgoing.delete(id));
    // The caller may not wait on `done`; the failure also went to onerror, so it is not lost.
    done.catch(() => {});
    return { id, done };
  }

  /** Cancels a transfer, sent or being received: the other side is told, and both get `file-failed`. */
  cancel(id: string): void {
    const outgoing = this.#outgoing.get(id);
    if (outgoing) return outgoing.cancel();
    for (const files of this.#links.values()) {
      for (const incoming of files.incoming.values()) {
        if (incoming.id === id) this.#dropIncoming(files, incoming, 'cancelled', true);
      }
    }
  }

  /** A message or chunk from a link. */
  #receive(files: LinkFiles, data: WireMessage | ArrayBuffer): void {
    if (data instanceof ArrayBuffer) {
      const incoming = Incoming.chunk(files.incoming, data);
      if (incoming?.failed) this.#dropIncoming(files, incoming, incoming.failed, true);
      return;
    }
    if (data.t === 'chat') {
      const message = readChat(data);
      if (message) this.options.onchat?.(files.link, message);
      return;
    }
    const id = typeof data.id === 'string' ? data.id : '';
    const outgoing = this.#outgoing.get(id);
    switch (data.t) {
      case 'file-offer':
        return this.#offered(files, data);
      case 'file-end': {
        const incoming = [...files.incoming.values()].find((each) => each.id === id);
        void incoming?.end(data.sha256).then((result) => {
          // Cancelled or closed while the last blocks were hashed: already reported.
          if (files.incoming.get(incoming.n) !== incoming) return;
          if (typeof result === 'string') return this.#dropIncoming(files, incoming, result, true);
          files.incoming.delete(incoming.n);
          files.link.send('file-done', { id });
          this.options.onfile?.({ id, from: files.link.id, name: incoming.name, size: incoming.size, type: incoming.type, blob: result });
        });
        return;
      }
      case 'file-accept':
      case 'file-done':
        return outgoing?.answer(files.link, data.t);
      case 'file-cancel': {
        // Either the receiver refused or dropped our file, or the sender stopped one we were receiving.
        const reason = wireReason(data.reason);
        if (outgoing) return outgoing.fail(files.link, reason, false);
        const incoming = [...files.incoming.values()].find((each) => each.id === id);
        if (incoming) this.#dropIncoming(files, incoming, reason, false);
      }
    }
  }

  /** The link closed: every transfer on it failed. */
  #closed(files: LinkFiles): void {
    this.#links.delete(files.link);
    for (const incoming of [...files.incoming.values()]) this.#dropIncoming(files, incoming, 'left', false);
    for (const outgoing of [...this.#outgoing.values()]) outgoing.fail(files.link, 'left', false);
  }

  #offered(files: LinkFiles, offer: WireMessage): void {
    const { id, n, size } = offer;
    if (typeof id !== 'string' || id.length > 64) return;
    const name = typeof offer.name === 'string' && offer.name ? offer.name.slice(0, 255) : 'file';
    const type = typeof offer.type === 'string' ? offer.type.slice(0, 255) : '';
    if (!Number.isSafeInteger(size) || (size as number) < 0 || !Number.isInteger(n) || (n as number) < 0 || (n as number) > 0xffffffff) {
      return files.link.send('file-cancel', { id, reason: 'malformed' });
    }
    const from = files.link.id;
    if (!canHash()) {
      files.link.send('file-cancel', { id, reason: 'error' });
      return this.options.onerror?.({ id, peerId: from, error: receiveError('insecure', name, who(files.link)) });
    }
    const { maxFileSize } = this;
    if ((size as number) > maxFileSize) {
      files.link.send('file-cancel', { id, reason: 'too-large' });
      this.options.onerror?.({ id, peerId: from, error: receiveError('too-large', name, who(files.link), maxFileSize) });
      return;
    }
    const incoming = new Incoming(id, n as number, name, size as number, type, (received) =>
      this.options.onprogress?.({ id, name, size: size as number, from: files.link.id, received }),
    );
    files.incoming.set(incoming.n, incoming);
    files.link.send('file-accept', { id });
    incoming.report();
  }

  /** Drops an incoming file and reports it; `tell` sends the sender the reason. */
  #dropIncoming(files: LinkFiles, incoming: Incoming, reason: FailReason, tell: boolean): void {
    if (files.incoming.get(incoming.n) !== incoming) return;
    files.incoming.delete(incoming.n);
    if (tell) files.link.send('file-cancel', { id: incoming.id, reason });
    // A cancel we asked for reads as ours; any other as the sender's doing or the file's fault.
    const local = tell && reason === 'cancelled';
    this.options.onerror?.({ id: incoming.id, peerId: files.link.id, error: receiveError(reason, incoming.name, local ? null : who(files.link)) });
  }
}

/** A transfer id: 18 random hex digits (getRandomValues works outside secure contexts too). */
function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(9)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
