// #region call
'use client';
// A client component is rendered on the server too, so rtc-kit is imported there: it touches no browser
// global on import. In the browser the same import defines the elements, and they upgrade in place.
import { useCallback, useRef, useState } from 'react';
import 'rtc-kit';
import type { CallState, RtcCall, RtcStateChangeEvent } from 'rtc-kit';

// No STUN or TURN: enough on one machine or one LAN. An array can only be a property, never an attribute.
const iceServers: RTCIceServer[] = [];

export function Call({ hubUrl, channel }: { hubUrl: string; channel: string }) {
  const call = useRef<RtcCall | null>(null);
  const [state, setState] = useState<CallState>('idle');

  // React 19 skips a custom element's properties and on<event> props when it hydrates server-rendered
  // HTML (facebook/react#35446), so they are set here, in a ref callback, which hydration does run.
  // Attributes (hub-url, channel) are in the server's HTML already.
  const attach = useCallback((element: RtcCall | null) => {
    call.current = element;
    if (!element) return;
    element.iceServers = iceServers;
    const onStateChange = (event: RtcStateChangeEvent) => setState(event.detail.state);
    element.addEventListener('rtc-state-change', onStateChange);
    return () => {
      element.removeEventListener('rtc-state-change', onStateChange);
      // The call lives on when the element goes: end it with the component.
      void element.hangup();
    };
  }, []);

  // start() and call() also report a failure as rtc-error (and state "failed"), shown below.
  const start = () => call.current?.start().catch(() => {});
  const dial = () => call.current?.call().catch(() => {});

  return (
    <section>
      <rtc-call ref={attach} hub-url={hubUrl} channel={channel}>
        <rtc-local-video></rtc-local-video>
        <rtc-remote-video></rtc-remote-video>
      </rtc-call>
      <button id="start" onClick={start}>Start</button>
      <button id="call" onClick={dial}>Call</button>
      <button id="hangup" onClick={() => call.current?.hangup()}>Hang up</button>
      <output id="state">{state}</output>
    </section>
  );
}
// #endregion call
