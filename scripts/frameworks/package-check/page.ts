// A page that uses rtc-kit as a user would, type-checked by scripts/test-frameworks.mjs in a fresh project
// where rtc-kit (from the packed tarball) is the only package. Each `@ts-expect-error` line must be an
// error: if the types went loose (`any`), tsc would fail on the unused directive.
import 'rtc-kit';
import { RtcCall, RtcLocalVideo, RtcRemoteVideo, RtcStateChangeEvent, type CallState } from 'rtc-kit';
import type { RtcErrorCode } from 'rtc-kit';
import manifest from 'rtc-kit/custom-elements.json' with { type: 'json' };

const call = document.createElement('rtc-call');
call.hubUrl = '/messagehub';
call.channel = 'lobby';
call.variant = 'then';
call.iceServers = [{ urls: 'stun:stun.example.com' }];
call.iceTransportPolicy = 'relay';
// @ts-expect-error: variant is 'async' or 'then'
call.variant = 'sideways';

const local: RtcLocalVideo = document.createElement('rtc-local-video');
const remote: RtcRemoteVideo = document.createElement('rtc-remote-video');
remote.peer = 'connection-id';
call.append(local, remote);
document.body.append(call);

const found: RtcCall | null = document.querySelector('rtc-call');

call.addEventListener('rtc-state-change', (event) => {
  const state: CallState = event.detail.state;
  const previous: CallState = event.detail.previous;
  const typed: RtcStateChangeEvent = event;
  console.log(state, previous, typed.type);
  // @ts-expect-error: the detail has no such field
  console.log(event.detail.nope);
});
call.addEventListener('rtc-error', (event) => {
  const code: RtcErrorCode = event.detail.code;
  const message: string = event.detail.message;
  console.log(code, message);
});
call.addEventListener('rtc-remote-stream', (event) => {
  const stream: MediaStream | null = event.detail.stream;
  const peerId: string = event.detail.peerId;
  console.log(stream?.id, peerId);
});
call.addEventListener('rtc-peer-join', (event) => console.log(event.detail.peerId.length));
call.addEventListener('rtc-peer-leave', (event) => console.log(event.detail.peerId.length));
call.addEventListener('rtc-signaling-state', (event) => console.log(event.detail.state));
// Events bubble and are composed, so they are typed on any element, and on the document.
document.addEventListener('rtc-state-change', (event) => console.log(event.detail.state));

const state: CallState = call.state;
// @ts-expect-error: state is read-only
call.state = 'connected';

await call.start();
await call.call();
await call.hangup();
console.log(found, state, customElements.get('rtc-call') === RtcCall, manifest.schemaVersion);
