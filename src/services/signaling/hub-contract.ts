// The seed's MessageHub, as the client sees it (product.md section 3). The server's
// server/src/hubs/message-hub.ts implements the same names; these strings are the wire contract.

/** Client-to-server methods. */
export const HubMethod = {
  Join: 'Join',
  Leave: 'Leave',
  SignalWebRtc: 'SignalWebRtc',
  Offer: 'Offer',
  Answer: 'Answer',
  Candidate: 'Candidate',
} as const;

/** Server-to-client events. */
export const HubEvent = {
  Join: 'Join',
  Leave: 'Leave',
  SignalWebRtc: 'SignalWebRtc',
  ReceiveOffer: 'ReceiveOffer',
  ReceiveAnswer: 'ReceiveAnswer',
  ReceiveCandidate: 'ReceiveCandidate',
} as const;

/** The `type` argument of `SignalWebRtc`. */
export type SignalType = 'offer' | 'answer' | 'candidate';

/**
 * Payloads are the JSON text of an RTCSessionDescription (`{"type":"offer","sdp":"..."}`) or of an
 * RTCIceCandidate (`{"candidate":"...","sdpMid":"0","sdpMLineIndex":0,...}`), as the seed sends them.
 */
export function encodeDescription(description: RTCSessionDescriptionInit): string {
  return JSON.stringify({ type: description.type, sdp: description.sdp });
}

export function encodeCandidate(candidate: RTCIceCandidate | RTCIceCandidateInit): string {
  return JSON.stringify('toJSON' in candidate && typeof candidate.toJSON === 'function' ? candidate.toJSON() : candidate);
}

/** Parses a description a peer sent; throws a readable error for anything else. */
export function decodeDescription(payload: string): RTCSessionDescriptionInit {
  const value = JSON.parse(payload) as RTCSessionDescriptionInit;
  if (!value || (value.type !== 'offer' && value.type !== 'answer') || typeof value.sdp !== 'string') {
    throw new Error('The peer sent a session description that is not an offer or an answer.');
  }
  return value;
}

export function decodeCandidate(payload: string): RTCIceCandidateInit {
  const value = JSON.parse(payload) as RTCIceCandidateInit;
  if (!value || typeof value.candidate !== 'string') throw new Error('The peer sent an ICE candidate without "candidate".');
  return value;
}
