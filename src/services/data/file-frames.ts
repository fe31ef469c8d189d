// The binary frame of a file chunk (wire.ts): [kind 1][transfer number n, uint32 big-endian][bytes].

/** The frame kind of a file chunk. */
export const CHUNK = 1;
/** The bytes before a chunk's payload. */
export const HEADER_BYTES = 5;

/** A chunk frame with room for `payload` bytes, for transfer `n`; the caller puts them in at HEADER_BYTES. */
export function chunkFrame(n: number, payload: number): Uint8Array<ArrayBuffer> {
  const frame = new Uint8Array(HEADER_BYTES + payload);
  frame[0] = CHUNK;
  new DataView(frame.buffer).setUint32(1, n);
  return frame;
}

/** A chunk frame's transfer number and payload, or null for any other frame (ignored, as newer kinds are). */
export function readChunk(frame: ArrayBuffer): { n: number; payload: Uint8Array<ArrayBuffer> } | null {
  if (frame.byteLength < HEADER_BYTES || new Uint8Array(frame, 0, 1)[0] !== CHUNK) return null;
  return { n: new DataView(frame).getUint32(1), payload: new Uint8Array(frame, HEADER_BYTES) };
}
