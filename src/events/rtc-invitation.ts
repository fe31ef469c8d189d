import { RtcEvent } from './rtc-event.js';

/**
 * Someone rings (contract section 9): the call is `ringing`, unless it is in a call already, where the
 * invitation is answered `busy`. Cancelable: call `preventDefault()` to take it over, and answer with
 * `accept()` or `decline()` yourself.
 */
export class RtcInvitationEvent extends RtcEvent<{ invitationId: string; from: string; name: string | null; info: unknown }> {
  constructor(detail: { invitationId: string; from: string; name: string | null; info: unknown }) {
    super('rtc-invitation', detail, true);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'rtc-invitation': RtcInvitationEvent;
  }
}
