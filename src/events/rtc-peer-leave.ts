import { RtcEvent } from './rtc-event.js';
/** A peer left the channel: it hung up, closed its page, or lost its connection to the hub. */
export class RtcPeerLeaveEvent extends RtcEvent<{ peerId: string }> {
  constructor(detail: { peerId: string }) {
    super('rtc-peer-leave', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-leave': RtcPeerLeaveEvent;
  }
}
