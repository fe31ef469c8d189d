// Compile-time checks of rtc-kit/svelte, run by `npm run typecheck` and never bundled. Svelte markup has
// no `@ts-expect-error`, so these check the element types that svelte-check applies to markup
// (svelteHTML.IntrinsicElements). Each line after `@ts-expect-error` must be a type error: if the
// generated types stopped applying, svelte-check would fail on the unused directive.
type RtcCallAttributes = svelteHTML.IntrinsicElements['rtc-call'];

export const checks: RtcCallAttributes[] = [
  { 'hub-url': '/messagehub', channel: 'lobby', iceServers: [], 'onrtc-state-change': (event) => event.detail.state },
  // @ts-expect-error: variant is 'async' or 'then'
  { variant: 'sideways' },
  // @ts-expect-error: the event's detail has no such field
  { 'onrtc-state-change': (event) => event.detail.nope },
  // @ts-expect-error: iceServers takes RTCIceServer objects
  { iceServers: ['stun:stun.example.com'] },
];
