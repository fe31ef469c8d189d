import type { CallStats } from '../services/rtc/call-stats.js';

/**
 * One peer's quality, every 2 s while connected to it: round-trip time, bitrates, loss, frame rate,
 * resolution and path, with the `peerId` it is about.
 */
export class RtcStatsEvent extends Event {
  constructor(readonly detail: CallStats & { peerId: string }) {
    super('rtc-stats', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-stats': RtcStatsEvent;
  }
}
