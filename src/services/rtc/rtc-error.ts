/** Every way a call can fail, as the `code` of an `rtc-error` event. */
export type RtcErrorCode =
  | 'media-permission-denied'
  | 'media-device-not-found'
  | 'media-device-busy'
  | 'media-failed'
  | 'signaling-unavailable'
  | 'signaling-rejected'
  | 'unauthorized'
  | 'channel-full'
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

/**
 * A chunk of rtc-kit loading on first use (contract section 12). One that fails to load (a missing file,
 * a network error) rejects with a `load-failed` error that names what could not load, never a bare
 * module error or a hang.
 */
export function chunk<T>(what: string, loading: Promise<T>): Promise<T> {
  return loading.catch((cause) => {
    throw new RtcError('load-failed', `rtc-kit could not load ${what} (${(cause as Error)?.message ?? cause}).`, { cause });
  });
}

/** An error from a step that failed, as a typed RtcError whose message says where; an RtcError stays as it is. */
export function toRtcError(cause: unknown, code: RtcErrorCode, context: string): RtcError {
  if (cause instanceof RtcError) return cause;
  return new RtcError(code, `${context}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}
