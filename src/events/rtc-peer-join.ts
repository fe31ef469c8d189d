import { RtcEvent } from './rtc-event.js';
/** A peer joined the channel. */
export class RtcPeerJoinEvent extends RtcEvent<{ peerId: string }> {
  constructor(detail: { peerId: string }) {
    super('rtc-peer-join', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-peer-join': RtcPeerJoinEvent;
  }
}
