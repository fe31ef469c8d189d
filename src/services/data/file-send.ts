// One file sent to several peers at once: offer, stream with backpressure, trailer, confirmation.
import type { RtcError } from '../rtc/rtc-error.js';
import type { DataLink } from './data-link.js';
import { sendError, who, type FailReason } from './file-errors.js';
import { chunkFrame, HEADER_BYTES } from './file-frames.js';
import { BlockHash, canHash, HASH_BLOCK } from './file-hash.js';
import type { FileTransfers } from './files.js';

/**
 * Bytes of file per chunk: 64 KiB. With its 5-byte header a frame stays within every browser's SCTP
 * message size (Chromium and Safari 256 KiB, Firefox 1 GiB).
 */
export const CHUNK_SIZE = 65536;
/** The most bytes one channel's send queue holds from a file: 1 MiB. */
export const HIGH_WATER_MARK = 1024 * 1024;
/** How long a receiver has to accept or refuse an offer. */
const ANSWER_TIMEOUT_MS = 30_000;

/** offered -> accepted -> ended (trailer sent) -> done (verified), or failed from any of them. */
type TargetState = 'offered' | 'accepted' | 'ended' | 'done' | 'failed';

export class Outgoing {
  readonly #targets = new Map<DataLink, TargetState>();
  readonly #name: string;
  #error: RtcError | null = null;
  /** Wakes run() when a target answered or failed. */
  #wake: (() => void) | null = null;
  #percent = -1;

  constructor(
    private readonly transfers: FileTransfers,
    readonly id: string,
    /** The number in this transfer's chunk headers, the same on every link. */
    readonly n: number,
    readonly file: Blob,
    links: readonly DataLink[],
  ) {
    this.#name = (file as File).name || 'file';
    for (const link of links) this.#targets.set(link, 'offered');
  }

  /** Sends the file; resolves once every peer verified it, rejects with the first failure. */
  async run(): Promise<void> {
    const { id, file } = this;
    const name = this.#name;
    const { size } = file;
    const { maxFileSize } = this.transfers;
    this.#report(0);
    if (size > maxFileSize) {
      // Nothing was offered yet, so there is no one to tell.
      this.#failAll('too-large', null, { size, limit: maxFileSize });
      throw this.#error;
    }
    if (!canHash()) {
      this.#failAll('insecure', null);
      throw this.#error;
    }
    for (const link of this.#targets.keys()) {
      // A connection that is closing can answer nothing: its copy fails now, not after answerTimeout. A
      // channel still to be made (a group call's, after the media) takes the offer once open, as one opening does.
      const state = link.channel?.readyState;
      if (state === 'closing' || state === 'closed') this.fail(link, 'left', false);
      else link.send('file-offer', { id, n: this.n, name, size, type: file.type });
    }
    const timer = setTimeout(() => {
      for (const [link, state] of this.#targets) if (state === 'offered') this.fail(link, 'no-answer', true);
    }, ANSWER_TIMEOUT_MS);
    await this.#until(() => !this.#count('offered'));
    clearTimeout(timer);

    const hash = new BlockHash();
    // One frame for the whole file: send() copies what it is given before it returns, so the frame can
    // take the next chunk at once. A new frame per chunk would make the whole file garbage, 64 KiB at a time.
    const frame = chunkFrame(this.n, CHUNK_SIZE);
    for (let offset = 0; offset < size && this.#count('accepted'); ) {
      let segment: Uint8Array<ArrayBuffer>;
      try {
        // One read per hash block (1 MiB), sent to every peer: the Blob is read once, a block at a time.
        segment = new Uint8Array(await file.slice(offset, offset + HASH_BLOCK).arrayBuffer());
      } catch (cause) {
        this.#failAll('unreadable', 'error', { cause });
        break;
      }
      hash.add(segment);
      for (let at = 0; at < segment.length && this.#count('accepted'); at += CHUNK_SIZE) {
        const bytes = segment.subarray(at, at + CHUNK_SIZE);
        frame.set(bytes, HEADER_BYTES);
        const chunk = bytes.length === CHUNK_SIZE ? frame : frame.subarray(0, HEADER_BYTES + bytes.length);
        for (const link of this.#targets.keys()) {
          if (this.#targets.get(link) !== 'accepted') continue;
          try {
            // Only await when the queue is full: a promise per chunk would cost throughput for nothing.
            // Accepted: the peer answered on the channel, so there is one.
            for (let wait; (wait = room(link.channel!, chunk.byteLength, HIGH_WATER_MARK)); ) await wait;
          } catch {
            this.fail(link, 'left', false);
            continue;
          }
          if (this.#targets.get(link) === 'accepted') link.channel!.send(chunk);
        }
      }
      offset += segment.length;
      this.#report(offset);
    }

    const sha256 = await hash.hex();
    for (const [link, state] of this.#targets) {
      if (state !== 'accepted') continue;
      this.#targets.set(link, 'ended');
      link.send('file-end', { id, sha256 });
    }
    await this.#until(() => !this.#count('accepted') && !this.#count('ended'));
    if (this.#error) throw this.#error;
  }

  /** A receiver accepted the offer, or verified the file. */
  answer(link: DataLink, t: 'file-accept' | 'file-done'): void {
    const state = this.#targets.get(link);
    if (t === 'file-accept' && state === 'offered') this.#set(link, 'accepted');
    if (t === 'file-done' && state === 'ended') this.#set(link, 'done');
  }

  /** One receiver's copy failed; `tell` sends it the reason. The others go on. */
  fail(link: DataLink, reason: FailReason, tell: boolean): void {
    if (!this.#settle(link, tell ? reason : null)) return;
    this.#reportError(link.id, sendError(reason, this.#name, who(link)));
  }

  /** The sender cancels: every receiver is told, and the send fails here too. */
  cancel(): void {
    this.#failAll('cancelled', 'cancelled');
  }

  /** Ends every unfinished copy, telling each receiver `wire` if given; reported once, as the whole send's failure. */
  #failAll(reason: FailReason, wire: FailReason | null, details: Parameters<typeof sendError>[3] = {}): void {
    let any = this.#targets.size === 0;
    for (const link of this.#targets.keys()) any = this.#settle(link, wire) || any;
    if (any) this.#reportError(null, sendError(reason, this.#name, null, details));
  }

  /** Marks `link` failed unless it is finished; tells it `wire` if given. False if it was finished. */
  #settle(link: DataLink, wire: FailReason | null): boolean {
    const state = this.#targets.get(link);
    if (!state || state === 'done' || state === 'failed') return false;
    if (wire) link.send('file-cancel', { id: this.id, reason: wire });
    this.#set(link, 'failed');
    return true;
  }

  #reportError(peerId: string | null, error: RtcError): void {
    this.#error ??= error;
    this.transfers.options.onerror?.({ id: this.id, peerId, error });
  }

  #report(sent: number): void {
    const size = this.file.size;
    const percent = size ? Math.floor((sent * 100) / size) : 100;
    if (percent === this.#percent) return;
    this.#percent = percent;
    this.transfers.options.onprogress?.({ id: this.id, name: this.#name, size, sent });
  }

  #set(link: DataLink, state: TargetState): void {
    this.#targets.set(link, state);
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #count(state: TargetState): number {
    let count = 0;
    for (const each of this.#targets.values()) if (each === state) count++;
    return count;
  }

  async #until(done: () => boolean): Promise<void> {
    while (!done()) await new Promise<void>((resolve) => (this.#wake = resolve));
  }
}

/**
 * Nothing if `channel` can take `bytes` more without its send queue passing `high`; otherwise a promise
 * that resolves when the queue has drained (`bufferedamountlow`), to check again. Rejects once the channel
 * is closing or closed. The queue therefore never holds more than `high` bytes of file chunks.
 */
export function room(channel: RTCDataChannel, bytes: number, high: number): Promise<void> | undefined {
  if (channel.readyState !== 'open') return Promise.reject(new Error(`The data channel is ${channel.readyState}.`));
  if (channel.bufferedAmount + bytes <= high) return undefined;
  // At most half the bound, so one wake-up makes room for several chunks, not one.
  channel.bufferedAmountLowThreshold = Math.min(high / 2, high - bytes);
  return new Promise((resolve, reject) => {
    const done = () => {
      channel.removeEventListener('bufferedamountlow', done);
      channel.removeEventListener('close', done);
      channel.removeEventListener('closing', done);
      if (channel.readyState === 'open') resolve();
      else reject(new Error(`The data channel is ${channel.readyState}.`));
    };
    channel.addEventListener('bufferedamountlow', done);
    channel.addEventListener('close', done);
    channel.addEventListener('closing', done);
  });
}
