/**
 * Where a call is. A state is committed on evidence only: `connected` when the RTCPeerConnection
 * says so, never when a description has merely been set.
 * - `idle`: nothing started.
 * - `ready`: local media is open and the channel is joined; a call can be placed or answered.
 * - `connecting`: an offer or answer is in flight, or ICE is checking.
 * - `connected`: media flows.
 * - `reconnecting`: the path to the peer broke, and ICE is being restarted.
 * - `ended`: the call was hung up, here or by the peer.
 * - `failed`: something went wrong; the `rtc-error` event said what.
 */
export type CallState = 'idle' | 'ready' | 'connecting' | 'connected' | 'reconnecting' | 'ended' | 'failed';

const TRANSITIONS: Record<CallState, readonly CallState[]> = {
  idle: ['ready', 'ended', 'failed'],
  ready: ['connecting', 'ended', 'failed'],
  connecting: ['connected', 'ended', 'failed'],
  connected: ['reconnecting', 'ended', 'failed'],
  reconnecting: ['connected', 'ended', 'failed'],
  // After a call ends, the same element can be started again, or answer or place a new call.
  ended: ['ready', 'connecting', 'failed'],
  failed: ['ready', 'ended'],
};

export function canTransition(from: CallState, to: CallState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: CallState, to: CallState): void {
  if (!canTransition(from, to)) throw new Error(`Cannot move call from '${from}' to '${to}'.`);
}
