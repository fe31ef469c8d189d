// The `rtc-kit` data channel's message format, version 1. docs/data-channel.md says the same at more length.
//
// One data channel per peer connection, label `rtc-kit`, reliable and ordered, opened on both sides as a
// negotiated channel with id 0 (so glare in perfect negotiation cannot make two of them).
//
// Control messages are JSON text frames, one object each:
//
//   {"v":1,"t":"hello","name":"Ana","audioMuted":false,"videoMuted":true}   on open
//   {"v":1,"t":"presence","name":"Ana","audioMuted":true,"videoMuted":true} on every change
//   {"v":1,"t":"chat","text":"…"}                                            at most 16 KB of UTF-8 text
//   {"v":1,"t":"file-offer","id":"…","n":3,"name":"a.pdf","size":123,"type":"application/pdf"}
//   {"v":1,"t":"file-accept","id":"…"}                                       receiver -> sender
//   {"v":1,"t":"file-end","id":"…","sha256":"<64 hex digits>"}               after the last chunk
//   {"v":1,"t":"file-done","id":"…"}                                         receiver -> sender: verified
//   {"v":1,"t":"file-cancel","id":"…","reason":"cancelled"}                  either way; ends the transfer
//
// File chunks are binary frames with a 5-byte header and no base64:
//
//   byte 0      frame kind: 1 = file chunk
//   bytes 1..4  the transfer's number `n` from its file-offer (uint32, big-endian)
//   bytes 5..   the next bytes of the file, in order
//
// `v` is the sender's format version. A peer reads the fields it knows in a message of any version, and
// ignores message types, fields and frame kinds it does not know: so a newer peer talks to an older one.
// A change that an older peer would misread gets a new type name, never a new meaning for an old one.

/** The data channel's label. */
export const LABEL = 'rtc-kit';
/** This format's version. */
export const VERSION = 1;

/** A decoded control message: its type `t` and whatever fields came with it, unchecked. */
export type WireMessage = { t: string; [field: string]: unknown };

/** The `rtc-kit` channel on `pc`: negotiated with id 0 on both sides, so both sides make the same one. */
export function createDataChannel(pc: RTCPeerConnection): RTCDataChannel {
  return pc.createDataChannel(LABEL, { negotiated: true, id: 0 });
}

/** A control message as text. */
export function encode(t: string, fields: object): string {
  return JSON.stringify({ v: VERSION, t, ...fields });
}

/** A control message from text, or null for anything that is not one (never throws). */
export function decode(text: string): WireMessage | null {
  try {
    const message = JSON.parse(text);
    return typeof message?.t === 'string' ? message : null;
  } catch {
    return null;
  }
}
