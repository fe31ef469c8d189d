import type { RtcError, RtcErrorCode } from '../services/rtc/rtc-error.js';
import { RtcEvent } from './rtc-event.js';

/**
 * Something went wrong. `code` is for code, `message` for people. A `file-failed` also says which
 * transfer (`fileId`) and whose copy (`peerId`; none when the whole send failed).
 */
export class RtcErrorEvent extends RtcEvent<{ code: RtcErrorCode; message: string; error: RtcError; fileId?: string; peerId?: string }> {
  constructor(error: RtcError, about?: { fileId?: string; peerId?: string }) {
    super('rtc-error', { code: error.code, message: error.message, error, ...about });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-error': RtcErrorEvent;
  }
}
