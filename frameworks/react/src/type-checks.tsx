// Compile-time checks of rtc-kit/react, run by `npm run typecheck` and never bundled. Each line after
// `@ts-expect-error` must be a type error: if the generated types stopped applying, tsc would fail here.
import { useRef } from 'react';

export function TypeChecks() {
  const video = useRef<HTMLVideoElement>(null);
  return (
    <>
      {/* @ts-expect-error: variant is 'async' or 'then' */}
      <rtc-call variant="sideways" />
      {/* @ts-expect-error: the event's detail has no such field */}
      <rtc-call onrtc-state-change={(event) => event.detail.nope} />
      {/* @ts-expect-error: iceServers takes RTCIceServer objects */}
      <rtc-call iceServers={['stun:stun.example.com']} />
      {/* @ts-expect-error: the ref is typed to the element's class */}
      <rtc-call ref={video} />
      <rtc-remote-video peer="connection-id" />
    </>
  );
}
