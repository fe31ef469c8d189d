/**
 * Where a call is. A state is committed on evidence only: `connected` when an RTCPeerConnection says so,
 * never when a description has merely been set.
 * - `idle`: nothing started.
 * - `ready`: local media is open and the channel is joined; a call can be placed or answered.
 * - `connecting`: an offer or answer is in flight, or ICE is checking, and no peer is connected yet.
 * - `connected`: media flows with at least one peer.
 * - `reconnecting`: the path to every peer broke, and ICE is being restarted.
 * - `calling`: we ring someone (an invitation, contract section 9), who has not answered yet.
 * - `ringing`: someone rings us, and we have not answered yet.
 * - `ended`: the call was hung up, here or by the last peer; or an invitation ended without a call.
 * - `failed`: something went wrong; the `rtc-error` event said what.
 */
export type CallState = 'idle' | 'ready' | 'connecting' | 'connected' | 'reconnecting' | 'calling' | 'ringing' | 'ended' | 'failed';

/** Where the connection with one peer is (`peers[].state`). */
export type PeerState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

const IN_CALL = ['connecting', 'connected', 'reconnecting'] as const;

/** Where an invitation can be rung or heard from: not in a call. */
const AT_REST = ['calling', 'ringing'] as const;
/** Where an answered invitation goes: into the fresh channel (ready), or nowhere (ended). */
const INVITED = ['ready', 'connecting', 'ended', 'failed'] as const;

const TRANSITIONS: Record<CallState, readonly CallState[]> = {
  idle: ['ready', 'ended', 'failed', ...AT_REST],
  ready: ['connecting', 'ended', 'failed', ...AT_REST],
  // In a call of several people, the call follows its best peer (callStateOf), in any direction.
  connecting: [...IN_CALL, 'ended', 'failed'],
  connected: [...IN_CALL, 'ended', 'failed'],
  reconnecting: [...IN_CALL, 'ended', 'failed'],
  calling: INVITED,
  ringing: INVITED,
  // After a call ends, the same element can be started again, or answer or place a new call.
  ended: ['ready', 'connecting', 'failed', ...AT_REST],
  failed: ['ready', 'ended', ...AT_REST],
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
