/** A peer's media arrived, or went away (`stream` is null then). */
export class RtcRemoteStreamEvent extends Event {
  constructor(readonly detail: { stream: MediaStream | null; peerId: string }) {
    super('rtc-remote-stream', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-remote-stream': RtcRemoteStreamEvent;
  }
}
