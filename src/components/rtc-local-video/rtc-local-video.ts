import RtcLocalVideo from './rtc-local-video.component.js';

export * from './rtc-local-video.component.js';
export default RtcLocalVideo;

RtcLocalVideo.define('rtc-local-video');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-local-video': RtcLocalVideo;
  }
}
