import type { RtcError, RtcErrorCode } from '../services/rtc/rtc-error.js';
import { RtcEvent } from './rtc-event.js';

/** Something went wrong. `code` is for code, `message` for people. */
export class RtcErrorEvent extends RtcEvent<{ code: RtcErrorCode; message: string; error: RtcError }> {
  constructor(error: RtcError) {
    super('rtc-error', { code: error.code, message: error.message, error });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-error': RtcErrorEvent;
  }
}
