/**
 * The base of every `rtc-*` event: it bubbles and is composed, so a page hears it on the element, on
 * any ancestor, and across shadow roots, as it hears native events. `detail` says what happened.
 */
export class RtcEvent<T> extends Event {
  constructor(
    type: `rtc-${string}`,
    readonly detail: T,
    cancelable = false,
  ) {
    super(type, { bubbles: true, composed: true, cancelable });
  }
}
