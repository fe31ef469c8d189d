import { RtcEvent } from './rtc-event.js';

/** How one check of `<rtc-precall>` went. */
export type PrecallStatus = 'ok' | 'failed' | 'skipped';

/**
 * Why a check failed or was skipped, as a stable code (the element says it in words, with what to do):
 * - camera, microphone: `media-permission-denied`, `media-device-not-found`, `media-device-busy`,
 *   `media-failed` (as `rtc-error` codes); microphone also `silent` (no sound within 5 s);
 * - speaker: `not-confirmed` (skipped: the test sound was not played and confirmed), `not-heard`;
 * - host: `no-candidates` (no network at all);
 * - srflx: `no-stun-server` (skipped), `no-srflx` (no public address found);
 * - relay: `no-turn-server` (skipped), `no-relay` (the TURN server gave no relay address: unreachable,
 *   or it refused the credentials), `relay-failed` (relay addresses, but no connection through them);
 * - srflx and relay: `bad-ice-config` (the ICE servers could not be fetched or are invalid).
 */
export type PrecallReason =
  | 'media-permission-denied'
  | 'media-device-not-found'
  | 'media-device-busy'
  | 'media-failed'
  | 'silent'
  | 'not-confirmed'
  | 'not-heard'
  | 'no-candidates'
  | 'no-stun-server'
  | 'no-srflx'
  | 'no-turn-server'
  | 'no-relay'
  | 'relay-failed'
  | 'bad-ice-config';

/** One check: `ok`, or `failed` / `skipped` with the reason. */
export interface PrecallCheck {
  status: PrecallStatus;
  reason?: PrecallReason;
}

/** Everything `<rtc-precall>` checked. `network.host` is a direct path on this network, `srflx` a public address (STUN), `relay` a path through TURN. */
export interface PrecallResult {
  camera: PrecallCheck;
  microphone: PrecallCheck;
  speaker: PrecallCheck;
  network: { host: PrecallCheck; srflx: PrecallCheck; relay: PrecallCheck };
}

/** The pre-call check finished, or the person answered whether they heard the test sound: `detail` is the whole result. */
export class RtcPrecallResultEvent extends RtcEvent<PrecallResult> {
  constructor(detail: PrecallResult) {
    super('rtc-precall-result', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-precall-result': RtcPrecallResultEvent;
  }
}
