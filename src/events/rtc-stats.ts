import type { CallStats } from '../services/rtc/call-stats.js';
import { RtcEvent } from './rtc-event.js';

/**
 * One peer's quality, every 2 s while connected to it: round-trip time, bitrates, loss, frame rate,
 * resolution and path, with the `peerId` it is about.
 */
export class RtcStatsEvent extends RtcEvent<CallStats & { peerId: string }> {
  constructor(detail: CallStats & { peerId: string }) {
    super('rtc-stats', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-stats': RtcStatsEvent;
  }
}
