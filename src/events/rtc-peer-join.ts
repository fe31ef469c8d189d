/** A peer joined the channel. */
export class RtcPeerJoinEvent extends Event {
  constructor(readonly detail: { peerId: string }) {
    super('rtc-peer-join', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-join': RtcPeerJoinEvent;
  }
}
