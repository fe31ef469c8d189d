import { RtcError } from './rtc-error.js';

/** How long a peer connection may try before its call fails with `ice-failed`. */
export const ICE_TIMEOUT_MS = 10_000;

/**
 * Fails a call whose ICE cannot succeed, instead of leaving it in `connecting` until the browser's
 * own timeout (which can be half a minute, or never when no candidate exists at all).
 * - Gathering ended with no local candidate: with `relay` only, the TURN server refused the
 *   credentials or could not be reached. Chromium reports why in `icecandidateerror`.
 * - The connection did not reach `connected` within `timeoutMs`.
 * Returns the function that stops watching.
 */
export function watchIce(pc: RTCPeerConnection, fail: (error: RtcError) => void, timeoutMs = ICE_TIMEOUT_MS): () => void {
  let gathered = 0;
  let lastError = '';
  let done = false;
  const finish = (error: RtcError | null) => {
    if (done) return;
    stop();
    if (error && pc.signalingState !== 'closed') fail(error);
  };
  const onCandidate = (event: RTCPeerConnectionIceEvent) => {
    if (event.candidate) gathered++;
  };
  const onCandidateError = (event: Event) => {
    const e = event as RTCPeerConnectionIceErrorEvent;
    lastError = `${e.url ?? 'ICE server'} answered ${e.errorCode} ${e.errorText}`.trim();
  };
  const onGatheringChange = () => {
    if (pc.iceGatheringState !== 'complete' || gathered > 0) return;
    const relayOnly = pc.getConfiguration().iceTransportPolicy === 'relay';
    const why = relayOnly
      ? 'With ice-transport-policy="relay" this means the TURN server refused the credentials or could not be reached'
      : 'Check the network and the ICE servers';
    finish(new RtcError('ice-failed', `No ICE candidates could be gathered. ${why}${lastError ? ` (${lastError})` : ''}.`));
  };
  const onStateChange = () => {
    if (pc.connectionState === 'connected') finish(null);
  };
  const timer = setTimeout(() => {
    finish(
      new RtcError(
        'ice-failed',
        `No network path to the peer was found within ${Math.round(timeoutMs / 1000)} s. A TURN relay may be needed; see ice-servers-url.`,
      ),
    );
  }, timeoutMs);
  pc.addEventListener('icecandidate', onCandidate);
  pc.addEventListener('icecandidateerror', onCandidateError);
  pc.addEventListener('icegatheringstatechange', onGatheringChange);
  pc.addEventListener('connectionstatechange', onStateChange);
  function stop() {
    done = true;
    clearTimeout(timer);
    pc.removeEventListener('icecandidate', onCandidate);
    pc.removeEventListener('icecandidateerror', onCandidateError);
    pc.removeEventListener('icegatheringstatechange', onGatheringChange);
    pc.removeEventListener('connectionstatechange', onStateChange);
  }
  return () => finish(null);
}
