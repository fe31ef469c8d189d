import type { CallStats } from '../services/rtc/call-stats.js';

/** The call's quality, every 2 s while connected: round-trip time, bitrates, loss, frame rate, resolution, path. */
export class RtcStatsEvent extends Event {
  constructor(readonly detail: CallStats) {
    super('rtc-stats', { bubbles: true, composed: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-stats': RtcStatsEvent;
  }
}
