// The seed's MessageHub, as the client sees it (product.md section 3). The server's
// server/src/hubs/message-hub.ts implements the same names; these strings are the wire contract.

/** `{ Name: 'Name', ... }`: each hub name under its own name, as the code uses them. */
const named = <T extends string>(...names: T[]) => Object.fromEntries(names.map((name) => [name, name])) as { readonly [K in T]: K };

/**
 * Client-to-server methods.
 * - `Invite(userId, channel, info)` returns the invitation id (product.md section 9).
 * - `AnswerInvitation(invitationId, answer)`: `accept`, `decline` or `busy`.
 * - `CancelInvitation(invitationId)`.
 */
export const HubMethod = named('Join', 'Leave', 'SignalWebRtc', 'Offer', 'Answer', 'Candidate', 'Invite', 'AnswerInvitation', 'CancelInvitation');

/**
 * Server-to-client events.
 * - `Invitation(invitationId, fromUserId, fromName, channel, info)`.
 * - `InvitationAnswered(invitationId, answer)`, to the caller: `accept`, `decline`, `busy`, `timeout` or `unavailable`.
 * - `InvitationClosed(invitationId, reason)`, to the invited user's connections: `answered-elsewhere`, `cancelled` or `timeout`.
 */
export const HubEvent = named('Join', 'Leave', 'SignalWebRtc', 'ReceiveOffer', 'ReceiveAnswer', 'ReceiveCandidate', 'Invitation', 'InvitationAnswered', 'InvitationClosed');

/** The `type` argument of `SignalWebRtc`. */
export type SignalType = 'offer' | 'answer' | 'candidate';

/**
 * Who a signal is from and for. The hub sends every signal to everyone else in the channel and names
 * no sender, so in a call of several people each signal says it in its payload:
 * - `from`: the sender's hub connection id (the peer id everyone sees);
 * - `tag`: the sender's call tag, random per call and kept across hub reconnects, so that a peer is
 *   still recognized after its connection id changed;
 * - `to`: the receiver, by its call tag once the sender knows it, else by its connection id.
 * The seed's pages send none of these, and ignore them: `RTCSessionDescription` and `RTCIceCandidate`
 * take only the fields they know.
 */
export interface SignalAddress {
  from?: string;
  tag?: string;
  to?: string;
}

/** A signal from a peer, decoded: a description or a candidate, with its address. */
export type Signal = SignalAddress &
  ({ type: 'offer' | 'answer'; description: RTCSessionDescriptionInit } | { type: 'candidate'; candidate: RTCIceCandidateInit });

/**
 * Payloads are the JSON text of an RTCSessionDescription (`{"type":"offer","sdp":"..."}`) or of an
 * RTCIceCandidate (`{"candidate":"...","sdpMid":"0","sdpMLineIndex":0,...}`), as the seed sends them,
 * with the address fields beside.
 */
export function encodeSignal(body: RTCSessionDescriptionInit | RTCIceCandidate | RTCIceCandidateInit, address: SignalAddress): string {
  const fields = 'sdp' in body ? { type: body.type, sdp: body.sdp } : 'toJSON' in body ? body.toJSON() : body;
  return JSON.stringify({ ...fields, ...address });
}

/** Parses a signal a peer sent; throws a readable error for anything else. */
export function decodeSignal(type: SignalType, payload: string): Signal {
  const value = JSON.parse(payload);
  const address = { from: text(value?.from), tag: text(value?.tag), to: text(value?.to) };
  if (type === 'candidate') {
    if (typeof value?.candidate !== 'string') throw new Error('The peer sent an ICE candidate without "candidate".');
    const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = value;
    return { type, candidate: { candidate, sdpMid, sdpMLineIndex, usernameFragment }, ...address };
  }
  if (value?.type !== type || typeof value.sdp !== 'string') {
    throw new Error(`The peer sent an ${type} that is not a session description of that type.`);
  }
  return { type, description: { type, sdp: value.sdp }, ...address };
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);
