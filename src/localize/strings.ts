import type { RtcErrorCode } from '../services/rtc/rtc-error.js';

/**
 * Every string the call screen shows or speaks, in English. This table is in the initial bundle; the
 * other languages (ko.ts, es.ts, ar.ts) load on first use and must have every key (`Strings`).
 * `{name}`, `{level}` and `{time}` are filled in where the string is used. An element's `strings`
 * property overrides any entry.
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
  // What each error code means for the person in the call. Codes a person cannot act on share words.
  'media-permission-denied': 'Allow the camera and microphone in the browser, then try again.',
  'media-device-not-found': 'No camera or microphone was found.',
  'media-device-busy': 'Another app is using the camera or microphone.',
  'media-failed': 'The camera or microphone could not start.',
  'signaling-unavailable': 'The call service cannot be reached.',
  'signaling-rejected': 'The call could not be set up.',
  unauthorized: 'Please sign in again.',
  'channel-full': 'This call is full.',
  'ice-failed': 'No network path to the others was found.',
  'peer-left': 'The other person left.',
  'bad-ice-config': 'The call could not be set up.',
  'negotiation-failed': 'The call could not be set up.',
  'load-failed': 'The call could not be set up.',
  'invalid-state': 'The call could not be set up.',
};

/** A string table: every key of the English one. */
export type Strings = { [K in keyof typeof en]: string };

// Every error code has its words: a new code fails the type check until it is written here.
en satisfies Record<RtcErrorCode, string>;

/** The languages built in. English is in the initial bundle; the others are chunks. */
export type Language = 'en' | 'ko' | 'es' | 'ar';
