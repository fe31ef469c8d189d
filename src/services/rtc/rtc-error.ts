/** Every way a call can fail, as the `code` of an `rtc-error` event. */
export type RtcErrorCode =
  | 'media-permission-denied'
  | 'media-device-not-found'
  | 'media-device-busy'
  | 'media-failed'
  | 'signaling-unavailable'
  | 'signaling-rejected'
  | 'ice-failed'
  | 'peer-left'
  | 'bad-ice-config'
  | 'negotiation-failed'
  | 'load-failed'
  | 'message-too-large'
  | 'file-failed'
  | 'invalid-state';

/** A failure the user or the page can act on. The message says what happened and, where it can, what to do. */
export class RtcError extends Error {
  override name = 'RtcError';
  constructor(
    readonly code: RtcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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
