import { html, nothing, type TemplateResult } from 'lit';
import type { Strings } from '../../localize/strings.js';
import { errorText } from './announcer.js';
import type { DeviceMenu } from './device-menu.js';
import { icon, icons } from './icons.js';
import { peerTile } from './peer-tile.js';
import type { Quality } from './quality.js';
import type { CallScreenActions, CallScreenService, Localize } from './types.js';

/** What the call screen shows: the service, and the host's own state around it. */
export interface CallScreenView {
  service: CallScreenService;
  /** The devices menu is open. */
  menu: boolean;
  /** The devices menu's content, once its chunk has loaded. */
  deviceMenu: DeviceMenu | null;
  /** What the live region says now (CallAnnouncer). */
  announcement: string;
  /** How long the last call lasted, in milliseconds, for the ended panel. */
  duration: number | null;
  /** The host's `strings` overrides, handed on to `<rtc-peer-grid>`. */
  strings?: Partial<Strings> | null;
  /** False while Start cannot work (no channel yet): the Start button is disabled. */
  startable?: boolean;
  /** The videos of the `then` variant (plain `<video>`s its engine fills), in place of the elements. */
  videos?: ScreenVideos | null;
  /** The tiles' quality indicator, once a peer's quality is known and its chunk has loaded. */
  quality?: Quality | null;
}

/** Who draws the peers and the self-view, when not `<rtc-peer-grid>`, `<rtc-remote-video>` and `<rtc-local-video>`. */
export interface ScreenVideos {
  /** Every peer's tile (or the grid of them). */
  peers(l: Localize, quality: Quality | null): unknown;
  /** The self-view, in the corner. */
  self(l: Localize): unknown;
}

/** Whether the control bar shows: in the channel or in a call. */
export const showsControls = (state: string) => state === 'ready' || state === 'connecting' || state === 'connected' || state === 'reconnecting';

/**
 * The default page of `<rtc-call>`: the peers large (one fills the stage, several make a grid), the
 * self-view small in a corner, a panel for each state that needs one, the control bar, and a polite
 * live region. A pure function of its arguments: the host renders it again on every change.
 */
export function callScreen(v: CallScreenView, a: CallScreenActions, l: Localize): TemplateResult {
  const s = v.service;
  const { state, peers } = s;
  const t = (key: keyof Strings, name?: string | null) => l.t(key, { name: name || l.t('someone') });
  const button = (part: string, label: string, click: () => void, kind = 'primary', d?: string) =>
    html`<button part=${part + '-button'} class=${kind} type="button" ?disabled=${part === 'start' && v.startable === false} @click=${click}>${d ? icon(d) : nothing}${label}</button>`;
  // An icon button of the control bar: its tooltip is its name. A toggle reports its state in `aria-pressed`.
  // The devices button says whether its menu is open (`expanded`) instead.
  const control = (part: string, label: string, d: string, click: () => void, pressed?: boolean, expanded?: boolean) =>
    html`<button part=${part} type="button" aria-pressed=${pressed ?? nothing} aria-expanded=${expanded ?? nothing} aria-controls=${expanded ? 'devices' : nothing} @click=${click}>
      ${icon(d)}<span class="tip">${label}</span>
    </button>`;
  const panel = (title: string, text: unknown, ...buttons: TemplateResult[]) =>
    html`<div part="panel" class="panel"><h2>${title}</h2>${text || nothing}<div class="actions">${buttons}</div></div>`;
  const p = (text: string) => html`<p>${text}</p>`;
  // An error stays on screen until the next start: in the failed panel, else over the stage.
  const error = s.error && html`<p part="error" class="error" role="alert">${errorText(s.error, l)}</p>`;
  const name = s.invitation?.name;
  const panels: Partial<Record<string, () => TemplateResult>> = {
    idle: () => panel(l.t('startTitle'), p(l.t('startText')), button('start', l.t('start'), a.start)),
    ready: () => panel(l.t('readyTitle'), '', button('call', l.t('call'), a.call)),
    calling: () => panel(t('calling', name), '', button('cancel', l.t('cancel'), a.cancel, 'danger', icons.hangUp)),
    ringing: () =>
      panel(
        t('ringing', name),
        '',
        button('decline', l.t('decline'), a.decline, 'danger', icons.hangUp),
        button('accept', l.t('accept'), a.accept, 'accept', icons.phone),
      ),
    ended: () => panel(l.t('ended'), v.duration && p(l.t('lasted', { time: l.duration(v.duration) })), button('start', l.t('again'), a.start)),
    failed: () => panel(l.t('failed'), error, button('start', l.t('retry'), a.start)),
  };
  const busy = (text: string) => html`<div part="overlay" class="overlay"><span class="spinner"></span>${text}</div>`;
  const closeMenu = (e: KeyboardEvent) => {
    if (e.key !== 'Escape' || !v.menu) return;
    a.menu(false);
    (e.currentTarget as Element).querySelector<HTMLElement>('[aria-expanded]')?.focus();
  };
  return html`<div part="screen" class="screen" dir=${l.dir} lang=${l.lang} data-state=${state} role="region" aria-label=${l.t('screen')}>
    <div part="stage" class="stage">
      ${v.videos
        ? v.videos.peers(l, v.quality ?? null)
        : peers.length > 1
          ? html`<rtc-peer-grid part="grid" exportparts="tile,name,muted-badge,quality,remote-video" .strings=${v.strings ?? null}></rtc-peer-grid>`
          : peers.length
            ? peerTile(peers[0], l, undefined, v.quality)
            : nothing}
      ${v.videos ? v.videos.self(l) : s.localStream ? html`<rtc-local-video part="self-view local-video" class="self" .label=${l.t('you')}></rtc-local-video>` : nothing}
      ${state === 'reconnecting' ? busy(l.t('reconnecting')) : state === 'connecting' && !peers.length ? busy(l.t('connecting')) : (panels[state]?.() ?? nothing)}
      ${state !== 'failed' ? error || nothing : nothing}
    </div>
    ${showsControls(state)
      ? html`<div part="controls" class="bar" role="group" aria-label=${l.t('controls')} @keydown=${closeMenu}>
          ${control('mute-audio-button', l.t('mute'), s.audioMuted ? icons.micOff : icons.mic, () => a.setMuted('audio', !s.audioMuted), s.audioMuted)}
          ${control('mute-video-button', l.t('cameraOff'), s.videoMuted ? icons.cameraOff : icons.camera, () => a.setMuted('video', !s.videoMuted), s.videoMuted)}
          ${!!globalThis.navigator?.mediaDevices?.getDisplayMedia
            ? control('screen-button', l.t('share'), icons.screen, () => a.shareScreen(!s.screenStream), !!s.screenStream)
            : nothing}
          ${control('devices-button', l.t('devices'), icons.devices, () => a.menu(!v.menu), undefined, v.menu)}
          ${v.menu && v.deviceMenu ? html`<div id="devices" part="devices-menu" class="menu" role="group" aria-label=${l.t('devices')}>${v.deviceMenu(s, a, l)}</div>` : nothing}
          ${control('hangup-button', l.t('hangUp'), icons.hangUp, a.hangup)}
        </div>`
      : nothing}
    <div class="sr" role="status">${v.announcement}</div>
  </div>`;
}
