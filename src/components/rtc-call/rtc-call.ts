import RtcCall from './rtc-call.component.js';

export * from './rtc-call.component.js';
export default RtcCall;

RtcCall.define('rtc-call');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-call': RtcCall;
  }
}
