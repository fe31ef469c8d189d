import type { RtcErrorCode } from '../services/rtc/rtc-error.js';

/**
 * Every string the call screen shows or speaks, in English. This table is in the initial bundle; the
 * other languages (ko.ts, es.ts, ar.ts) load on first use and must have every key (`Strings`).
 * `{name}`, `{level}` and `{time}` are filled in where the string is used. An element's `strings`
 * property overrides any entry.
 *
 * The other tables also say what each error code means. English needs no words of its own for that:
 * an RtcError's `message` is already English, written for people, and one copy of it is enough in a
 * bundle this size. `strings` can still give any code English words of your own.
 */
export const en = {
  // The call screen and its control bar. A toggle keeps its name; `aria-pressed` says whether it is on.
  screen: 'Video call',
  controls: 'Call controls',
  mute: 'Mute microphone',
  cameraOff: 'Turn camera off',
  share: 'Share screen',
  devices: 'Devices',
  hangUp: 'Hang up',
  camera: 'Camera',
  microphone: 'Microphone',
  speaker: 'Speaker',
  // Tiles.
  you: 'You',
  guest: 'Guest',
  micOff: 'Microphone off',
  quality: 'Connection {level}',
  good: 'good',
  fair: 'fair',
  poor: 'poor',
  // Panels, by state.
  startTitle: 'Ready to join?',
  startText: 'Your camera and microphone turn on when you start.',
  start: 'Start',
  readyTitle: 'You are in the channel',
  call: 'Call',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  calling: 'Calling {name}…',
  cancel: 'Cancel',
  ringing: '{name} is calling',
  someone: 'Someone',
  accept: 'Accept',
  decline: 'Decline',
  ended: 'Call ended',
  lasted: 'The call lasted {time}.',
  again: 'Start again',
  failed: 'The call failed',
  retry: 'Try again',
  // Said in the live region.
  connected: 'Connected.',
  joined: '{name} joined.',
  left: '{name} left.',
};

/**
 * The error codes no table has words for, because no table's words for them would ever show:
 * `peer-left` is raised nowhere, and `message-too-large` and `file-failed` never fail a call (the call
 * screen shows only the error that failed the call, or the camera's at start); `<rtc-chat>` shows
 * them as their message.
 */
type UnshownErrorCode = 'peer-left' | 'message-too-large' | 'file-failed';

/**
 * A string table: every key of the English one, and the words for every error code the call screen
 * can show. A new error code fails the type check of each language until it is written there.
 */
export type Strings = { [K in keyof typeof en]: string } & Record<Exclude<RtcErrorCode, UnshownErrorCode>, string>;

/** The languages built in. English is in the initial bundle; the others are chunks. */
export type Language = 'en' | 'ko' | 'es' | 'ar';
