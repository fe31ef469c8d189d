import RtcRemoteVideo from './rtc-remote-video.component.js';

export * from './rtc-remote-video.component.js';
export default RtcRemoteVideo;

RtcRemoteVideo.define('rtc-remote-video');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-remote-video': RtcRemoteVideo;
  }
}
