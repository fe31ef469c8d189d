import type { PeerState } from '../services/rtc/call-state.js';
import { RtcEvent } from './rtc-event.js';

/** The connection with one peer moved to a new state: `connecting`, `connected`, `reconnecting` or `failed`. */
export class RtcPeerStateEvent extends RtcEvent<{ peerId: string; state: PeerState }> {
  constructor(detail: { peerId: string; state: PeerState }) {
    super('rtc-peer-state', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-state': RtcPeerStateEvent;
  }
}
