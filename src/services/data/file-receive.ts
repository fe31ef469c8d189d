// One file being received from one peer: its chunks, its running SHA-256, and the check at the end.
import type { FailReason } from './file-errors.js';
import { readChunk } from './file-frames.js';
import { BlockHash } from './file-hash.js';

/**
 * Chunks are folded into a Blob every 4 MiB: the browser then keeps what arrived outside the JS heap
 * (and on disk when it is large), so a big file does not sit in the heap until its trailer.
 */
const FOLD_BYTES = 4 * 1024 * 1024;

export class Incoming {
  received = 0;
  /** Set when a chunk broke the transfer (more bytes than announced). */
  failed: FailReason | null = null;
  readonly #hash = new BlockHash();
  readonly #parts: Blob[] = [];
  #pending: Uint8Array<ArrayBuffer>[] = [];
  #pendingBytes = 0;
  #percent = -1;

  constructor(
    readonly id: string,
    /** The transfer's number in chunk headers. */
    readonly n: number,
    readonly name: string,
    readonly size: number,
    readonly type: string,
    private readonly onprogress: (received: number) => void,
  ) {}

  /** Adds a chunk frame to its transfer in `incoming`; returns that transfer, or null if it is for none. */
  static chunk(incoming: ReadonlyMap<number, Incoming>, frame: ArrayBuffer): Incoming | null {
    const chunk = readChunk(frame);
    const transfer = chunk ? incoming.get(chunk.n) : undefined;
    if (!chunk || !transfer) return null;
    transfer.#add(chunk.payload);
    return transfer;
  }

  /** Reports progress when the whole percentage changed: at most 101 reports a file. */
  report(): void {
    const percent = this.size ? Math.floor((this.received * 100) / this.size) : 100;
    if (percent === this.#percent) return;
    this.#percent = percent;
    this.onprogress(this.received);
  }

  /** The trailer came: the whole file if its size and SHA-256 match, else why not. */
  async end(sha256: unknown): Promise<Blob | FailReason> {
    if (this.received !== this.size) return 'malformed';
    if ((await this.#hash.hex()) !== sha256) return 'checksum';
    return new Blob([...this.#parts, ...this.#pending], { type: this.type });
  }

  #add(payload: Uint8Array<ArrayBuffer>): void {
    this.received += payload.byteLength;
    if (this.received > this.size) {
      this.failed = 'malformed';
      return;
    }
    this.#hash.add(payload);
    this.#pending.push(payload);
    this.#pendingBytes += payload.byteLength;
    if (this.#pendingBytes >= FOLD_BYTES) {
      this.#parts.push(new Blob(this.#pending));
      this.#pending = [];
      this.#pendingBytes = 0;
    }
    this.report();
  }
}
