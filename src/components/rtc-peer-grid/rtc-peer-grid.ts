import RtcPeerGrid from './rtc-peer-grid.component.js';

export * from './rtc-peer-grid.component.js';
export default RtcPeerGrid;

RtcPeerGrid.define('rtc-peer-grid');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-peer-grid': RtcPeerGrid;
  }
}
