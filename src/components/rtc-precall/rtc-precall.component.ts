import { html, nothing } from 'lit';
import { RtcErrorEvent } from '../../events/rtc-error.js';
import { RtcPrecallResultEvent, type PrecallCheck, type PrecallResult } from '../../events/rtc-precall-result.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { LocalizeController } from '../../localize/localize-controller.js';
import type { Strings } from '../../localize/strings.js';
import { fetchIceServers, validateIceServers } from '../../services/rtc/ice-config.js';
import { mediaError } from '../../services/rtc/media-errors.js';
import { deviceSelects } from '../call-screen/device-menu.js';
import { HEARD, LevelMeter, playTone } from './audio-check.js';
import { checkNetwork } from './network-check.js';
import { precallStrings, type MediaReason, type PrecallStrings } from './precall-strings.js';
import { styles } from './rtc-precall.styles.js';

/** The device checks, named as the call screen names the devices, and the network checks, in the order shown. */
const DEVICES = ['camera', 'microphone', 'speaker'] as const;
const NETWORK = ['host', 'srflx', 'relay'] as const;
/** How long the microphone has to hear something before it counts as silent. */
const LISTEN_MS = 5_000;
/** How often the level is read: a little less than the meter's window, so no short sound is missed. */
const READ_MS = 80;

/**
 * @summary Checks the camera, microphone, speaker and network before a call, and says in plain words what to do about each problem.
 *
 * Shows a mirrored camera preview, a microphone level meter, the camera, microphone and speaker
 * selects, and a test sound for the speaker. "Check my devices" (or `check()`, called from a click so
 * that the browser lets sound play) opens the camera and microphone, listens for sound, and tests the
 * network with the hub's ICE servers: which candidates it gets (`host`, `srflx`, `relay`), and whether a
 * connection through the TURN relay works, tried against itself. Then it raises `rtc-precall-result`.
 * The speaker is `skipped` until the person plays the test sound and says whether they heard it; the
 * answer raises the event again. With `for`, a device picked here is handed to that `<rtc-call>`
 * (`selectDevice`). Its language is its `lang`, else the nearest `lang` up the page.
 *
 * @event {RtcPrecallResultEvent} rtc-precall-result - The check finished, or the speaker was confirmed: `detail` is `{camera, microphone, speaker, network: {host, srflx, relay}}`, each `{status: 'ok' | 'failed' | 'skipped', reason?}`; the reasons are listed with `PrecallReason`.
 * @event {RtcErrorEvent} rtc-error - The strings of the page's language could not load (`load-failed`); English is shown.
 *
 * @csspart base - The wrapper.
 * @csspart preview - The camera preview `<video>`, mirrored.
 * @csspart meter - The microphone level (`role="meter"`); its bar is `::part(meter-level)`.
 * @csspart meter-level - The bar inside the meter.
 * @csspart camera-select - The camera to use.
 * @csspart microphone-select - The microphone to use.
 * @csspart speaker-select - The speaker to use. Absent where the browser cannot choose one.
 * @csspart tone-button - Plays the test sound.
 * @csspart heard-yes - "Yes, I heard it".
 * @csspart heard-no - "No".
 * @csspart check-button - Starts the check, or checks again.
 * @csspart results - The list of results; a polite live region.
 * @csspart result - One result; `data-check` names it (`camera`, `microphone`, `speaker`, `host`, `srflx`, `relay`), `data-status` is `ok`, `failed` or `skipped`.
 *
 * @cssproperty [--rtc-call-color=light-dark(#111, #eee)] - The text.
 * @cssproperty [--rtc-call-background=light-dark(#eee, #222)] - The background.
 * @cssproperty [--rtc-call-surface=light-dark(#fff, #444)] - Buttons, selects and the results.
 * @cssproperty [--rtc-call-accent=light-dark(#1d4ed8, #93c5fd)] - The check button, the meter and the focus ring.
 * @cssproperty [--rtc-call-on-accent=light-dark(#fff, #000)] - Text on the accent color.
 * @cssproperty [--rtc-call-success=#15803d] - The mark of a check that works.
 * @cssproperty [--rtc-call-danger=#dc2626] - The mark of a problem.
 * @cssproperty [--rtc-call-radius=12px] - Corner radius.
 * @cssproperty [--rtc-call-gap=0.75rem] - Space between the parts.
 * @cssproperty [--rtc-call-font=1rem/1.5 system-ui, sans-serif] - The font.
 * @cssproperty [--rtc-call-color-scheme=light dark] - `light dark` follows prefers-color-scheme; `light` or `dark` forces one.
 */
export default class RtcPrecall extends RtcElement {
  static override styles = styles;
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = {
    iceServersUrl: { attribute: 'ice-servers-url' },
    iceServers: { attribute: false },
    htmlFor: { attribute: 'for' },
    strings: { attribute: false },
    result: { attribute: false },
    checking: { state: true },
    asking: { state: true },
  };

  /** Fetch `{iceServers}` from this URL (the hub's `/ice-servers`) for the network test. */
  iceServersUrl: string | null = null;

  /** Or the ICE servers given directly. Without either, only the local network is tested. */
  iceServers: RTCIceServer[] | null = null;

  /** The id of the `<rtc-call>` (in the same document or shadow root) that gets the devices picked here. */
  htmlFor: string | null = null;

  /** Your own words for any string, over the language's table: the precall's own and the call screen's. */
  strings: Partial<Strings & PrecallStrings> | null = null;

  /** The last result, once a check has finished. */
  result: PrecallResult | null = null;

  private checking = false;
  /** The test sound has played: the question "did you hear it?" shows. */
  private asking = false;

  readonly #l = new LocalizeController(this, { onError: (error) => this.dispatchEvent(new RtcErrorEvent(error)) });
  #running: Promise<PrecallResult> | null = null;
  /** The camera and microphone tracks being previewed. */
  #stream = new MediaStream();
  #meter: LevelMeter | null = null;
  #meterTimer: ReturnType<typeof setInterval> | null = null;
  /** Ends the check's wait for sound: true once the microphone hears something. */
  #onSound: ((heard: boolean) => void) | null = null;
  #devices: MediaDeviceInfo[] = [];
  /** The devices picked here, by kind ('' is the default). */
  #chosen: Record<string, string> = {};
  #speaker: PrecallCheck = { status: 'skipped', reason: 'not-confirmed' };
  readonly #onDeviceChange = () => void this.#listDevices();

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener('devicechange', this.#onDeviceChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener('devicechange', this.#onDeviceChange);
    this.stop();
  }

  /**
   * Runs every check and resolves with the result (also raised as `rtc-precall-result`). While one
   * runs, calling it again returns the same. Call it from a click: sound may only play after one.
   */
  check(): Promise<PrecallResult> {
    return (this.#running ??= this.#check().finally(() => (this.#running = null)));
  }

  /** Turns the camera and microphone off; the next check turns them on again. */
  stop(): void {
    for (const track of this.#stream.getTracks()) this.#drop(track);
    this.#listen(null);
    this.requestUpdate();
  }

  protected override updated(): void {
    const video = this.renderRoot.querySelector('video');
    if (video && video.srcObject !== this.#stream) video.srcObject = this.#stream;
  }

  protected override render() {
    const l = this.#l;
    // The precall's table, then the call screen's (the media reasons, but in English).
    const t = (key: keyof PrecallStrings) => this.strings?.[key] ?? (precallStrings[l.lang] as Partial<PrecallStrings>)[key] ?? l.t(key as MediaReason);
    const r = this.result;
    const row = (check: string, label: string, { status, reason }: PrecallCheck) =>
      html`<li part="result" data-check=${check} data-status=${status}>
        <strong>${label}</strong> <span class="status">${t(status)}</span>${reason ? html`<p>${t(reason)}</p>` : nothing}
      </li>`;
    return html`<div part="base" class="base" dir=${l.dir} lang=${l.lang}>
      <div class="media">
        <video part="preview" autoplay playsinline muted .muted=${true} aria-label=${t('preview')}></video>
        <div part="meter" class="meter" role="meter" aria-label=${t('level')} aria-valuemin="0" aria-valuemax="100" aria-valuenow="0"><span part="meter-level"></span></div>
      </div>
      <div class="side">
        ${deviceSelects(this.#devices, this.#stream, this.#chosen.audiooutput ?? '', l, (kind, id) => void this.#pick(kind, id))}
        <div class="row">
          <button part="tone-button" type="button" @click=${() => void this.#playTone()}>${t('tone')}</button>
          ${this.asking
            ? html`<span>${t('heard')}</span>
                <button part="heard-yes" type="button" @click=${() => this.#answer(true)}>${t('yes')}</button>
                <button part="heard-no" type="button" @click=${() => this.#answer(false)}>${t('no')}</button>`
            : nothing}
        </div>
        <button part="check-button" class="primary" type="button" ?disabled=${this.checking} @click=${() => void this.check()}>
          ${this.checking ? t('checking') : t(r ? 'again' : 'check')}
        </button>
        <div aria-live="polite">
          ${r
            ? html`<ul part="results" aria-label=${t('results')}>
                ${DEVICES.map((check) => row(check, l.t(check), r[check]))} ${NETWORK.map((check) => row(check, t(check), r.network[check]))}
              </ul>`
            : nothing}
        </div>
      </div>
    </div>`;
  }

  async #check(): Promise<PrecallResult> {
    this.checking = true;
    try {
      const servers = this.#loadIceServers();
      const [camera, microphone] = await Promise.all([this.#open('videoinput'), this.#open('audioinput')]);
      await this.#listDevices();
      const [heard, network] = await Promise.all([microphone.status === 'ok' ? this.#hears() : null, servers.then(checkNetwork)]);
      const result: PrecallResult = {
        camera,
        microphone: heard === false ? { status: 'failed', reason: 'silent' } : microphone,
        speaker: this.#speaker,
        network,
      };
      this.#report(result);
      return result;
    } finally {
      this.checking = false;
    }
  }

  /** The ICE servers to test with: given, fetched, none ([]), or null when they could not be had. */
  async #loadIceServers(): Promise<RTCIceServer[] | null> {
    try {
      if (this.iceServers) return validateIceServers(this.iceServers);
      return this.iceServersUrl ? await fetchIceServers(this.iceServersUrl) : [];
    } catch {
      return null;
    }
  }

  /** Opens the camera or the microphone picked (the default at first) into the preview. */
  async #open(kind: 'videoinput' | 'audioinput'): Promise<PrecallCheck> {
    const type = kind === 'videoinput' ? 'video' : 'audio';
    const deviceId = this.#chosen[kind];
    // The microphone as it is, without the processing a call adds: noise suppression would hide the
    // very sound that shows it works.
    const constraints: MediaTrackConstraints = type === 'audio' ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false } : {};
    if (deviceId) constraints.deviceId = { exact: deviceId };
    let track: MediaStreamTrack;
    try {
      track = (await navigator.mediaDevices.getUserMedia({ [type]: constraints })).getTracks()[0]!;
    } catch (cause) {
      return { status: 'failed', reason: mediaError(cause).code as PrecallCheck['reason'] };
    }
    for (const old of this.#stream.getTracks()) if (old.kind === type) this.#drop(old);
    this.#stream.addTrack(track);
    if (type === 'audio') this.#listen(this.#stream);
    this.requestUpdate();
    return { status: 'ok' };
  }

  #drop(track: MediaStreamTrack): void {
    track.stop();
    this.#stream.removeTrack(track);
  }

  /** Follows the microphone's level: the meter shows it, and `#heard` notes when it was last loud enough. */
  #listen(stream: MediaStream | null): void {
    this.#meter?.close();
    if (this.#meterTimer) clearInterval(this.#meterTimer);
    this.#meter = stream ? new LevelMeter(stream) : null;
    this.#meterTimer = null;
    if (!this.#meter) return this.#onSound?.(false);
    const meter = this.#meter;
    this.#meterTimer = setInterval(() => {
      const level = meter.level();
      if (level > HEARD) this.#onSound?.(true);
      const bar = this.renderRoot.querySelector<HTMLElement>('.meter');
      const percent = Math.min(100, Math.round(level * 300));
      bar?.setAttribute('aria-valuenow', String(percent));
      bar?.style.setProperty('--level', `${percent}%`);
    }, READ_MS);
  }

  /** Resolves true once the microphone hears something, or false after LISTEN_MS of silence or once it is off. */
  #hears(): Promise<boolean> {
    return new Promise((resolve) => {
      const silence = setTimeout(() => this.#onSound?.(false), LISTEN_MS);
      this.#onSound = (heard) => {
        clearTimeout(silence);
        this.#onSound = null;
        resolve(heard);
      };
    });
  }

  async #listDevices(): Promise<void> {
    this.#devices = (await navigator.mediaDevices?.enumerateDevices()) ?? [];
    this.requestUpdate();
  }

  /** A device picked in a select: used here at once, and handed to the `<rtc-call>` named by `for`. */
  async #pick(kind: MediaDeviceKind, deviceId: string): Promise<void> {
    this.#chosen[kind] = deviceId;
    const call = this.htmlFor ? ((this.getRootNode() as Document | ShadowRoot).getElementById?.(this.htmlFor) as { selectDevice?: (k: MediaDeviceKind, id: string) => Promise<void> } | null) : null;
    // The call reports its own failure as its rtc-error.
    call?.selectDevice?.(kind, deviceId).catch(() => {});
    if (kind !== 'audiooutput' && this.#stream.getTracks().length) await this.#open(kind);
    this.requestUpdate();
  }

  async #playTone(): Promise<void> {
    await playTone(this.#chosen.audiooutput ?? '').catch(() => {});
    this.asking = true;
  }

  /** The person says whether they heard the test sound: the speaker's result, raised again with the rest. */
  #answer(heard: boolean): void {
    this.asking = false;
    this.#speaker = heard ? { status: 'ok' } : { status: 'failed', reason: 'not-heard' };
    if (this.result) this.#report({ ...this.result, speaker: this.#speaker });
  }

  #report(result: PrecallResult): void {
    this.result = result;
    this.dispatchEvent(new RtcPrecallResultEvent(result));
  }
}
