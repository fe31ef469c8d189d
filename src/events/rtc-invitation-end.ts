import type { InvitationEndReason } from '../services/rtc/service-events.js';
import { RtcEvent } from './rtc-event.js';

/**
 * An invitation ended, either way, in or out: `accept`, `decline`, `busy`, `timeout`, `unavailable`,
 * `cancelled` or `answered-elsewhere`.
 */
export class RtcInvitationEndEvent extends RtcEvent<{ invitationId: string; reason: InvitationEndReason }> {
  constructor(detail: { invitationId: string; reason: InvitationEndReason }) {
    super('rtc-invitation-end', detail);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-invitation-end': RtcInvitationEndEvent;
  }
}
