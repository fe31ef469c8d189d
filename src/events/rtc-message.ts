import { RtcEvent } from './rtc-event.js';

/** A peer's chat message: `from` (its peer id), `name` (its display name, or null), `text`, and `at` (when it arrived here, epoch ms). */
export class RtcMessageEvent extends RtcEvent<{ from: string; name: string | null; text: string; at: number }> {
  constructor(detail: { from: string; name: string | null; text: string; at: number }) {
    super('rtc-message', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-message': RtcMessageEvent;
  }
}
