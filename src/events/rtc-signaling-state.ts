import type { SignalingState } from '../services/signaling/hub-client.js';
import { RtcEvent } from './rtc-event.js';

/** The link to the hub changed: `connected`, `reconnecting` or `disconnected`. Media may flow on regardless. */
export class RtcSignalingStateEvent extends RtcEvent<{ state: SignalingState }> {
  constructor(detail: { state: SignalingState }) {
    super('rtc-signaling-state', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-signaling-state': RtcSignalingStateEvent;
  }
}
