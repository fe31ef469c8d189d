/** A peer left the channel: it hung up, closed its page, or lost its connection to the hub. */
export class RtcPeerLeaveEvent extends Event {
  constructor(readonly detail: { peerId: string }) {
    super('rtc-peer-leave', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-leave': RtcPeerLeaveEvent;
  }
}
