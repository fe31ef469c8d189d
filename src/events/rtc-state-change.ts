import type { CallState } from '../services/rtc/call-state.js';
import { RtcEvent } from './rtc-event.js';

/** The call moved to a new state. */
export class RtcStateChangeEvent extends RtcEvent<{ state: CallState; previous: CallState }> {
  constructor(detail: { state: CallState; previous: CallState }) {
    super('rtc-state-change', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-state-change': RtcStateChangeEvent;
  }
}
