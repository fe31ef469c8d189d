import type { SignalingState } from '../services/signaling/hub-client.js';

/** The link to the hub changed: `connected`, `reconnecting` or `disconnected`. Media may flow on regardless. */
export class RtcSignalingStateEvent extends Event {
  constructor(readonly detail: { state: SignalingState }) {
    super('rtc-signaling-state', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-signaling-state': RtcSignalingStateEvent;
  }
}
