import RtcChat from './rtc-chat.component.js';

export * from './rtc-chat.component.js';
export default RtcChat;

RtcChat.define('rtc-chat');

declare global {
  interface HTMLElementTagNameMap {
    'rtc-chat': RtcChat;
  }
}
