import type { RtcError, RtcErrorCode } from '../services/rtc/rtc-error.js';

/** Something went wrong. `code` is for code, `message` for people. */
export class RtcErrorEvent extends Event {
  readonly detail: { code: RtcErrorCode; message: string; error: RtcError };
  constructor(error: RtcError) {
    super('rtc-error', { bubbles: true, composed: true });
    this.detail = { code: error.code, message: error.message, error };
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-error': RtcErrorEvent;
  }
}
