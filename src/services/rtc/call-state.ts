/**
 * Where a call is. A state is committed on evidence only: `connected` when an RTCPeerConnection says so,
 * never when a description has merely been set.
 * - `idle`: nothing started.
 * - `ready`: local media is open and the channel is joined; a call can be placed or answered.
 * - `connecting`: an offer or answer is in flight, or ICE is checking, and no peer is connected yet.
 * - `connected`: media flows with at least one peer.
 * - `reconnecting`: the path to every peer broke, and ICE is being restarted.
 * - `ended`: the call was hung up, here or by the last peer.
 * - `failed`: something went wrong; the `rtc-error` event said what.
 */
export type CallState = 'idle' | 'ready' | 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

/** Where the connection with one peer is (`peers[].state`). */
export type PeerState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

const IN_CALL = ['connecting', 'connected', 'reconnecting'] as const;

const TRANSITIONS: Record<CallState, readonly CallState[]> = {
  idle: ['ready', 'ended', 'failed'],
  ready: ['connecting', 'ended', 'failed'],
  // In a call of several people, the call follows its best peer (callStateOf), in any direction.
  connecting: [...IN_CALL, 'ended', 'failed'],
  connected: [...IN_CALL, 'ended', 'failed'],
  reconnecting: [...IN_CALL, 'ended', 'failed'],
  // After a call ends, the same element can be started again, or answer or place a new call.
  ended: ['ready', 'connecting', 'failed'],
  failed: ['ready', 'ended'],
};

export function canTransition(from: CallState, to: CallState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function inCall(state: CallState): boolean {
  return (IN_CALL as readonly CallState[]).includes(state);
}

/**
 * The state of a call from the states of its peers: connected while one peer is; else reconnecting or
 * connecting while one peer is; failed when every peer failed; ended when no peer is left.
 */
export function callStateOf(peers: Iterable<PeerState>): CallState {
  const states = new Set(peers);
  if (states.size === 0) return 'ended';
  for (const state of ['connected', 'reconnecting', 'connecting'] as const) if (states.has(state)) return state;
  return 'failed';
}
