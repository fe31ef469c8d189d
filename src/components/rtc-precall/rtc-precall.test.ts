// <rtc-precall> in real Chromium: the fake camera and microphone, a real coturn, and a hub that mints
// TURN credentials at /ice-servers.
import { expect, fixture, html } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { PrecallResult, RtcPrecallResultEvent } from '../../events/rtc-precall-result.js';
import { FakeCallService } from '../../../stories/fake-call-service.js';
import { settle } from '../../../stories/story-fixture.js';
import { testForLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';
import { until } from '../../../test/helpers/media-helpers.js';
import '../rtc-call/rtc-call.js';
import type RtcPrecall from './rtc-precall.js';
import './rtc-precall.js';

interface Started {
  id: string;
  url: string;
  secret?: string;
}

const started: Array<[string, string]> = [];
let coturn: Started;
let hub: Started;

before(async () => {
  coturn = await executeServerCommand<Started, unknown>('start-coturn');
  started.push(['stop-coturn', coturn.id]);
  hub = await executeServerCommand<Started, unknown>('start-hub', { args: ['--turn-url', `${coturn.url}?transport=udp`, '--turn-secret', coturn.secret!] });
  started.push(['stop-hub', hub.id]);
});

after(async () => {
  for (const [command, id] of started.splice(0).reverse()) await executeServerCommand(command, { id });
});

const part = <T extends Element = HTMLElement>(el: RtcPrecall, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const rows = (el: RtcPrecall) =>
  Object.fromEntries(
    [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="result"]')].map((li) => [li.dataset.check, [li.dataset.status, li.querySelector('.status')!.textContent, li.querySelector('p')?.textContent ?? '']]),
  );
const summary = (r: PrecallResult) => ({
  camera: r.camera,
  microphone: r.microphone,
  speaker: r.speaker,
  host: r.network.host,
  relay: r.network.relay,
});

/** Runs the check from a click on its button, and resolves with the event it raises. */
async function runCheck(el: RtcPrecall): Promise<PrecallResult> {
  const event = new Promise<RtcPrecallResultEvent>((resolve) => el.addEventListener('rtc-precall-result', resolve, { once: true }));
  part<HTMLButtonElement>(el, 'check-button')!.click();
  const { detail } = await event;
  await settle(el);
  expect(el.result).to.deep.equal(detail);
  return detail;
}

describe('<rtc-precall>', function () {
  this.timeout(60_000);

  it('with a real coturn: camera, microphone and relay ok, shown in plain words; the preview is mirrored and the meter moves', async () => {
    const el = await fixture<RtcPrecall>(html`<rtc-precall ice-servers-url=${`${hub.url}/ice-servers`}></rtc-precall>`);
    await expect(el).to.be.accessible();
    expect(part(el, 'check-button')!.textContent!.trim()).to.equal('Check my devices');
    const result = await runCheck(el);
    expect(summary(result)).to.deep.equal({
      camera: { status: 'ok' },
      microphone: { status: 'ok' },
      speaker: { status: 'skipped', reason: 'not-confirmed' },
      host: { status: 'ok' },
      relay: { status: 'ok' },
    });
    // On loopback the public address is the host address, which Chromium does not offer twice.
    expect([result.network.srflx.status, result.network.srflx.reason]).to.deep.equal(['failed', 'no-srflx']);
    expect(rows(el)).to.deep.equal({
      camera: ['ok', 'Works', ''],
      microphone: ['ok', 'Works', ''],
      speaker: ['skipped', 'Not checked', 'Play the test sound to check your speaker.'],
      host: ['ok', 'Works', ''],
      srflx: ['failed', 'Problem', 'No public address was found. Calls outside your network will need the relay.'],
      relay: ['ok', 'Works', ''],
    });
    const video = part<HTMLVideoElement>(el, 'preview')!;
    await until(() => video.videoWidth > 0, 'the camera preview');
    expect(getComputedStyle(video).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
    const meter = part(el, 'meter')!;
    await until(() => Number(meter.getAttribute('aria-valuenow')) > 0, 'the microphone level');
    // The selects list the fake devices, with their names now that access is granted.
    const mics = [...part<HTMLSelectElement>(el, 'microphone-select')!.options].map((o) => o.textContent);
    expect(mics).to.include('Fake Audio Input 1');
    expect(part(el, 'check-button')!.textContent!.trim()).to.equal('Check again');
    await expect(el).to.be.accessible();
    el.remove();
  });

  it('with coturn stopped: relay failed, with what to do; camera and microphone still ok', async () => {
    await executeServerCommand('pause-service', { id: coturn.id, signal: 'SIGKILL' });
    try {
      const el = await fixture<RtcPrecall>(html`<rtc-precall ice-servers-url=${`${hub.url}/ice-servers`}></rtc-precall>`);
      const result = await runCheck(el);
      expect(summary(result)).to.deep.include({ camera: { status: 'ok' }, microphone: { status: 'ok' }, host: { status: 'ok' }, relay: { status: 'failed', reason: 'no-relay' } });
      expect(rows(el).relay).to.deep.equal(['failed', 'Problem', 'The relay server did not answer. Calls through strict firewalls will fail: ask whoever runs it.']);
      el.remove();
    } finally {
      await executeServerCommand('resume-service', { id: coturn.id });
    }
  });

  it('without ICE servers, STUN and TURN are skipped with the reason; with a bad URL, they failed', async () => {
    const el = await fixture<RtcPrecall>(html`<rtc-precall></rtc-precall>`);
    let result = await runCheck(el);
    expect(result.network).to.deep.equal({ host: { status: 'ok' }, srflx: { status: 'skipped', reason: 'no-stun-server' }, relay: { status: 'skipped', reason: 'no-turn-server' } });
    el.iceServersUrl = `${hub.url}/no-such-path`;
    result = await runCheck(el);
    expect(result.network).to.deep.equal({ host: { status: 'ok' }, srflx: { status: 'failed', reason: 'bad-ice-config' }, relay: { status: 'failed', reason: 'bad-ice-config' } });
    el.remove();
  });

  it('the speaker: the test sound, then "did you hear it?"; the answer raises the result again', async () => {
    const el = await fixture<RtcPrecall>(html`<rtc-precall></rtc-precall>`);
    await runCheck(el);
    part<HTMLButtonElement>(el, 'tone-button')!.click();
    await until(() => !!part(el, 'heard-yes'), 'the question');
    await settle(el);
    await expect(el).to.be.accessible();
    const again = new Promise<RtcPrecallResultEvent>((resolve) => el.addEventListener('rtc-precall-result', resolve, { once: true }));
    part<HTMLButtonElement>(el, 'heard-no')!.click();
    expect((await again).detail.speaker).to.deep.equal({ status: 'failed', reason: 'not-heard' });
    await settle(el);
    expect(rows(el).speaker).to.deep.equal(['failed', 'Problem', 'Turn the volume up, or pick another speaker, and play it again.']);
    part<HTMLButtonElement>(el, 'tone-button')!.click();
    await until(() => !!part(el, 'heard-yes'), 'the question');
    part<HTMLButtonElement>(el, 'heard-yes')!.click();
    expect(el.result!.speaker).to.deep.equal({ status: 'ok' });
    el.remove();
  });

  it('for="ID" hands a picked device to that <rtc-call>, and the preview uses it too', async () => {
    const service = new FakeCallService();
    const box = await fixture<HTMLDivElement>(html`<div>
      <rtc-precall for="the-call"></rtc-precall>
      <rtc-call id="the-call" .service=${service}><span></span></rtc-call>
    </div>`);
    const el = box.querySelector('rtc-precall')!;
    await runCheck(el);
    const select = part<HTMLSelectElement>(el, 'microphone-select')!;
    const second = [...select.options].find((o) => o.textContent === 'Fake Audio Input 2')!;
    select.focus();
    // A keyboard pick, as a person makes it: the select's change event.
    while (select.value !== second.value) await sendKeys({ press: 'ArrowDown' });
    // Each step of the arrow key was a pick, handed over in turn; the last is the one chosen.
    await until(() => service.selected.at(-1) === `audioinput:${second.value}`, 'the device handed over');
    expect(service.selected.every((pick) => pick.startsWith('audioinput:'))).to.equal(true);
    await until(() => part<HTMLVideoElement>(el, 'preview')!.srcObject instanceof MediaStream && (part<HTMLVideoElement>(el, 'preview')!.srcObject as MediaStream).getAudioTracks()[0]?.getSettings().deviceId === second.value, 'the preview on the new microphone');
    service.dispose();
    box.remove();
  });

  it('speaks the page\'s language, right to left in Arabic, and takes `strings` over it', async () => {
    const box = await fixture<HTMLDivElement>(html`<div lang="ar"><rtc-precall></rtc-precall></div>`);
    const el = box.querySelector('rtc-precall')!;
    const button = () => part(el, 'check-button')!.textContent!.trim();
    await until(() => button() !== 'Check my devices', 'the Arabic strings');
    await settle(el);
    expect(button()).to.equal('افحص أجهزتي');
    expect(getComputedStyle(part(el, 'base')!).direction).to.equal('rtl');
    expect(part(el, 'meter')!.getAttribute('aria-label')).to.equal('مستوى الميكروفون');
    el.strings = { check: 'ابدأ الفحص' };
    await settle(el);
    expect(button()).to.equal('ابدأ الفحص');
    await expect(el).to.be.accessible();
  });

  it('a denied camera and microphone: failed with what to do, in English its own words, else the call screen\'s', async () => {
    // A real denial by the browser: the frame's permissions policy forbids camera and microphone.
    const frame = document.createElement('iframe');
    frame.setAttribute('allow', "camera 'none'; microphone 'none'");
    frame.srcdoc = `<!doctype html><script type="module">import '/src/index.ts';</script>`;
    // Added once the frame has loaded: a preview <video> would hold its load event back.
    const loaded = new Promise<void>((resolve) => frame.addEventListener('load', () => resolve(), { once: true }));
    document.body.append(frame);
    try {
      await loaded;
      const win = frame.contentWindow as Window & typeof globalThis;
      await win.customElements.whenDefined('rtc-precall');
      win.document.body.innerHTML = '<rtc-precall></rtc-precall><div lang="es"><rtc-precall></rtc-precall></div>';
      const [english, spanish] = [...win.document.querySelectorAll<RtcPrecall>('rtc-precall')] as [RtcPrecall, RtcPrecall];
      await until(() => part(spanish, 'check-button')?.textContent?.trim() === 'Comprobar mis dispositivos', 'the Spanish strings');
      for (const el of [english, spanish]) {
        const result = await el.check();
        await settle(el);
        expect([result.camera, result.microphone]).to.deep.equal([
          { status: 'failed', reason: 'media-permission-denied' },
          { status: 'failed', reason: 'media-permission-denied' },
        ]);
      }
      expect(rows(english).camera).to.deep.equal(['failed', 'Problem', 'Access is blocked. Allow the camera and microphone in the browser, then check again.']);
      expect(rows(spanish).microphone).to.deep.equal([
        'failed',
        'Problema',
        'Se denegó el acceso a la cámara o al micrófono. Permítelo en el navegador y vuelve a intentarlo.',
      ]);
    } finally {
      frame.remove();
    }
  });

  it('removed, it turns the camera and microphone off', async () => {
    const el = await fixture<RtcPrecall>(html`<rtc-precall></rtc-precall>`);
    await runCheck(el);
    const stream = part<HTMLVideoElement>(el, 'preview')!.srcObject as MediaStream;
    const tracks = stream.getTracks();
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['live', 'live']);
    el.remove();
    expect(tracks.map((t) => t.readyState)).to.deep.equal(['ended', 'ended']);
  });

  testForLitDevWarnings(
    async () => fixture<RtcPrecall>(html`<rtc-precall></rtc-precall>`),
    async (el) => {
      await runCheck(el);
    },
  );
});
