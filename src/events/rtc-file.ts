import { RtcEvent } from './rtc-event.js';

/** A file arrived whole from peer `from`, its SHA-256 checked: `{id, from, name, size, type, blob}`. */
export class RtcFileEvent extends RtcEvent<{ id: string; from: string; name: string; size: number; type: string; blob: Blob }> {
  constructor(detail: { id: string; from: string; name: string; size: number; type: string; blob: Blob }) {
    super('rtc-file', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-file': RtcFileEvent;
  }
}
