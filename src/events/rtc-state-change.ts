import type { CallState } from '../services/rtc/call-state.js';

/** The call moved to a new state. */
export class RtcStateChangeEvent extends Event {
  constructor(readonly detail: { state: CallState; previous: CallState }) {
    super('rtc-state-change', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-state-change': RtcStateChangeEvent;
  }
}
