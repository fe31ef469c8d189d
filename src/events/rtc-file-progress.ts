import { RtcEvent } from './rtc-event.js';

/**
 * A file transfer moved on. On the sender `{id, name, size, sent}` (bytes handed to every peer, once per
 * whole percent, from 0); on a receiver `{id, name, size, from, received}`.
 */
export class RtcFileProgressEvent extends RtcEvent<{ id: string; name: string; size: number; sent?: number; from?: string; received?: number }> {
  constructor(detail: { id: string; name: string; size: number; sent?: number; from?: string; received?: number }) {
    super('rtc-file-progress', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-file-progress': RtcFileProgressEvent;
  }
}
