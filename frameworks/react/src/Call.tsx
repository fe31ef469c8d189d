// #region call
import { useEffect, useRef, useState } from 'react';
import 'rtc-kit'; // defines <rtc-call>, <rtc-local-video> and <rtc-remote-video>
import type { CallState, RtcCall } from 'rtc-kit';

// No STUN or TURN: enough on one machine or one LAN. An array can only be a property, never an attribute.
const iceServers: RTCIceServer[] = [];

export function Call({ channel }: { channel: string }) {
  const call = useRef<RtcCall>(null);
  const [state, setState] = useState<CallState>('idle');

  // The call lives on when the element goes: end it with the component.
  useEffect(() => () => void call.current?.hangup(), []);

  // start() and call() also report a failure as rtc-error (and state "failed"), shown below.
  const start = () => call.current?.start().catch(() => {});
  const dial = () => call.current?.call().catch(() => {});

  return (
    <section>
      <rtc-call
        ref={call}
        hub-url="/messagehub"
        channel={channel}
        iceServers={iceServers}
        onrtc-state-change={(event) => setState(event.detail.state)}
      >
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
