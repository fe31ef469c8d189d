// What the stories' `play` functions share. A play function runs after its story renders: in Storybook
// (the Interactions panel shows each step) and in `npm test` (test/stories.test.ts), where a failed
// assertion fails the run. Testing Library's queries do not look inside shadow roots, so the queries here
// start from `<rtc-call>`'s own.
import { expect, fn, waitFor, within } from 'storybook/test';
import type { RtcCall } from '../src/index.js';
import { deepElements } from './deep-elements.js';

/** The story's `<rtc-call>`, rendered, and queries inside its shadow root. */
export async function callIn(canvasElement: HTMLElement) {
  const call = canvasElement.querySelector('rtc-call');
  if (!call) throw new Error('the story has no <rtc-call>');
  await call.updateComplete;
  return { call, screen: within(call.shadowRoot as unknown as HTMLElement) };
}

/** The control bar of `call`, once shown, and queries inside it. */
export async function controlBar(call: RtcCall) {
  const screen = within(call.shadowRoot as unknown as HTMLElement);
  return within(await screen.findByRole('group', { name: 'Call controls' }));
}

/** A spy that records the `detail` of every `rtc-state-change` of `call` from now on. */
export function stateChanges(call: RtcCall) {
  const changes = fn().mockName('rtc-state-change');
  call.addEventListener('rtc-state-change', (event) => changes(event.detail));
  return changes;
}

/** Waits until `call` has announced `state` with an `rtc-state-change`. */
export async function announced(changes: ReturnType<typeof stateChanges>, state: string): Promise<void> {
  await waitFor(() => expect(changes).toHaveBeenCalledWith(expect.objectContaining({ state })));
}

/** The element focused inside `call`'s shadow root (`document.activeElement` is `call` itself). */
export const focusedIn = (call: RtcCall) => call.shadowRoot!.activeElement;

/** Every `<video>` under `root`, through open shadow roots. */
export const videosIn = (root: Element | ShadowRoot) => deepElements(root).filter((el) => el instanceof HTMLVideoElement);
