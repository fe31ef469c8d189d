import { RtcEvent } from './rtc-event.js';
/** A peer's media arrived, or went away (`stream` is null then). */
export class RtcRemoteStreamEvent extends RtcEvent<{ stream: MediaStream | null; peerId: string }> {
  constructor(detail: { stream: MediaStream | null; peerId: string }) {
    super('rtc-remote-stream', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-remote-stream': RtcRemoteStreamEvent;
  }
}
