// Why the camera or microphone could not be had, in words a user can act on. A chunk of its own: a call
// whose camera opens never needs it (contract section 12: rarely used error paths load on first use).
import { RtcError } from './rtc-error.js';

/** Turns a getUserMedia rejection into the error a user can understand. */
export function mediaError(cause: unknown): RtcError {
  const name = (cause as { name?: string } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new RtcError('media-permission-denied', 'Camera or microphone access was denied. Allow it in the browser and try again.', { cause });
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new RtcError('media-device-not-found', 'No camera or microphone was found.', { cause });
    case 'NotReadableError':
    case 'AbortError':
      return new RtcError('media-device-busy', 'The camera or microphone is in use by another application.', { cause });
    default:
      return new RtcError('media-failed', 'The camera or microphone could not be opened.', { cause });
  }
}

/** Local media cannot be opened at all here: no `getUserMedia` (an insecure page, or a browser without it). */
export const noMediaHere = (): RtcError =>
  new RtcError('media-failed', 'This browser cannot open a camera here (a secure context, https or localhost, is needed).');
