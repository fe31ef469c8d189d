import { html, nothing } from 'lit';
import type { RtcService } from '../../services/rtc/rtc-service.js';

/**
 * The camera, microphone and speaker selects of the default page, loaded once the browser lists devices
 * (after start()). `pick` switches the device; a failure is the call's rtc-error.
 */
export function deviceSelects(service: RtcService, pick: (kind: MediaDeviceKind, deviceId: string) => void) {
  const canPickSpeaker = 'setSinkId' in HTMLMediaElement.prototype;
  const select = (kind: MediaDeviceKind, part: string, label: string) => {
    const list = service.devices.filter((d) => d.kind === kind && d.deviceId);
    if (!list.length) return nothing;
    const current = kind === 'audiooutput' ? service.sinkId : service.localStream?.getTracks().find((t) => kind.startsWith(t.kind))?.getSettings().deviceId;
    // `.selected`, not `?selected`: once the user has picked an option, the attribute no longer moves the
    // selection (HTML: an option's "dirtiness"), and a later selectDevice() would not show.
    return html`<label class="channel"
      ><span>${label}</span>
      <select part=${part} @change=${(e: Event) => pick(kind, (e.target as HTMLSelectElement).value)}>
        ${list.map((d, i) => html`<option value=${d.deviceId} .selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`)}
      </select></label
    >`;
  };
  return html`${select('videoinput', 'camera-select', 'Camera')} ${select('audioinput', 'microphone-select', 'Microphone')}
  ${canPickSpeaker ? select('audiooutput', 'speaker-select', 'Speaker') : nothing}`;
}
