// The devices menu of the call screen, in a chunk of its own: loaded the first time the menu opens.
// <rtc-precall> shows the same selects.
import { html, nothing } from 'lit';
import type { CallScreenActions, CallScreenService, Localize } from './types.js';

const SELECTS = [
  ['videoinput', 'camera'],
  ['audioinput', 'microphone'],
  ['audiooutput', 'speaker'],
] as const;

/** The device of `kind` in use: the stream's track's device, or the speaker's `sinkId`. */
export function currentDevice(kind: MediaDeviceKind, stream: MediaStream | null, sinkId: string): string {
  if (kind === 'audiooutput') return sinkId;
  return stream?.getTracks().find((track) => kind.startsWith(track.kind))?.getSettings().deviceId ?? '';
}

/**
 * A labelled select per kind of device the browser lists: camera, microphone, and speaker where the
 * browser can choose one (`setSinkId`). `pick` gets the kind and the chosen device id.
 */
export function deviceSelects(
  devices: readonly MediaDeviceInfo[],
  stream: MediaStream | null,
  sinkId: string,
  l: Localize,
  pick: (kind: MediaDeviceKind, deviceId: string) => void,
) {
  const canPickSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
  return SELECTS.map(([kind, name]) => {
    const list = devices.filter((d) => d.kind === kind && d.deviceId);
    if (!list.length || (kind === 'audiooutput' && !canPickSpeaker)) return nothing;
    const current = currentDevice(kind, stream, sinkId);
    const label = l.t(name);
    // `.selected`, not `?selected`: once the user has picked an option, the attribute no longer moves the
    // selection (HTML: an option's "dirtiness"), and a later selectDevice() would not show.
    return html`<label class="field"
      ><span>${label}</span
      ><select part="${name}-select" @change=${(e: Event) => pick(kind, (e.target as HTMLSelectElement).value)}>
        ${list.map((d, i) => html`<option value=${d.deviceId} .selected=${d.deviceId === current}>${d.label || `${label} ${l.number(i + 1)}`}</option>`)}
      </select></label
    >`;
  });
}

/** The menu's content: the selects for the call's devices, and the styles of the menu and its selects. */
export function deviceMenu(s: CallScreenService, a: CallScreenActions, l: Localize) {
  // Its styles come with it, rather than in the initial bundle.
  return html`<style>
      .menu{position:absolute;inset-block-end:110%;inset-inline:0;z-index:3;display:grid;gap:var(--_gap);box-sizing:border-box;inline-size:min(20rem,100%);margin-inline:auto;padding:1.25rem;background:var(--_s);border-radius:var(--_r);box-shadow:0 .5rem 2rem #0004}
      .field{display:grid;gap:.25rem;font-size:.875rem}
      select{padding:.5rem;font:inherit;color:inherit;background:var(--_bg);border:1px solid #8888;border-radius:.5rem}
    </style>
    ${deviceSelects(s.devices, s.localStream, s.sinkId, l, (kind, id) => a.selectDevice(kind, id))}`;
}

export type DeviceMenu = typeof deviceMenu;
