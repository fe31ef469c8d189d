import RtcPrecall from './rtc-precall.component.js';

export * from './rtc-precall.component.js';
export default RtcPrecall;

RtcPrecall.define('rtc-precall');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-precall': RtcPrecall;
  }
}
