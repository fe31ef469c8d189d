// The file's checksum: SHA-256 over 1 MiB blocks, by WebCrypto.
//
// `sha256` in file-end is the SHA-256 of the SHA-256 digests of the file's consecutive 1 MiB blocks (the
// last one may be shorter; an empty file has no blocks, so its checksum is the SHA-256 of nothing). Any
// change to the file changes a block's digest and so the checksum: it is as strong as SHA-256 itself.
//
// Why not the plain SHA-256 of the file: WebCrypto has no streaming digest, so a plain one would need a
// SHA-256 in JavaScript (@noble/hashes, about 100 MB/s per core) on both sides, and that cost the transfer
// 40 % of its throughput on this machine (docs/data-channel.md, "Measured"). WebCrypto digests a block in
// native code with the CPU's SHA instructions, off the page's thread, for nearly nothing. Nobody compares
// the value with `sha256sum`: it is checked by the receiver and never shown.

/** The bytes of one hashed block. */
export const HASH_BLOCK = 1024 * 1024;

/** A file's checksum, fed in pieces of any size, in order. */
export class BlockHash {
  readonly #digests: Array<Promise<ArrayBuffer>> = [];
  readonly #block = new Uint8Array(HASH_BLOCK);
  #filled = 0;

  /** Adds the next bytes of the file. */
  add(bytes: Uint8Array<ArrayBuffer>): void {
    for (let at = 0; at < bytes.length; ) {
      if (this.#filled === 0 && bytes.length - at >= HASH_BLOCK) {
        // A whole block in place: digest() copies its input before it returns, so no copy of ours.
        this.#digests.push(crypto.subtle.digest('SHA-256', bytes.subarray(at, at + HASH_BLOCK)));
        at += HASH_BLOCK;
        continue;
      }
      const take = Math.min(HASH_BLOCK - this.#filled, bytes.length - at);
      this.#block.set(bytes.subarray(at, at + take), this.#filled);
      this.#filled += take;
      at += take;
      if (this.#filled === HASH_BLOCK) this.#flush();
    }
  }

  /** The checksum of everything added, as 64 hex digits. */
  async hex(): Promise<string> {
    if (this.#filled) this.#flush();
    const digests = await Promise.all(this.#digests);
    const all = new Uint8Array(digests.length * 32);
    digests.forEach((digest, i) => all.set(new Uint8Array(digest), i * 32));
    const root = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
    return Array.from(root, (byte) => byte.toString(16).padStart(2, '0')).join('');
  }

  #flush(): void {
    this.#digests.push(crypto.subtle.digest('SHA-256', this.#block.subarray(0, this.#filled)));
    this.#filled = 0;
  }
}

/** Whether this page can hash files: WebCrypto is only there in a secure context (https, localhost). */
export function canHash(): boolean {
  return typeof crypto !== 'undefined' && !!crypto.subtle;
}
