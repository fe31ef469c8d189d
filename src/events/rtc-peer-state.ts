import type { PeerState } from '../services/rtc/call-state.js';

/** The connection with one peer moved to a new state: `connecting`, `connected`, `reconnecting` or `failed`. */
export class RtcPeerStateEvent extends Event {
  constructor(readonly detail: { peerId: string; state: PeerState }) {
    super('rtc-peer-state', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-state': RtcPeerStateEvent;
  }
}
