// The call screen with the stories as fixtures and the fake service (no hub, no camera): every state
// axe-clean in light and dark and in all four languages, a keyboard-only walk through a call, right to
// left, the strings, 360 px, and the live region. All of it on <rtc-call>, whose default page it is.
import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import { render } from 'lit';
import * as stories from '../../../stories/call-screen.stories.js';
import meta, { renderScreen, type CallScreenArgs, type CallScreenStory } from '../../../stories/call-screen.stories.js';
import type { RtcCall } from '../../index.js';
import { langHolder } from '../../localize/localize-controller.js';
import { languageOf } from '../../localize/load-strings.js';
import { FakeCallService } from '../../../stories/fake-call-service.js';
import { settle } from '../../../stories/story-fixture.js';
import { captureLitDevWarnings } from '../../../test/fakes/lit-dev-warnings.js';
import { until } from '../../../test/helpers/media-helpers.js';
import { RtcError } from '../../services/rtc/rtc-error.js';
import '../rtc-peer-grid/rtc-peer-grid.js';

const services: FakeCallService[] = [];

/** Renders `story` with a fresh fake, waits for its language, its chunks and every element inside. */
async function show(story: CallScreenStory, args: Partial<CallScreenArgs> = {}, service = new FakeCallService(story.parameters.rtc)) {
  services.push(service);
  const all = { ...meta.args, ...story.args, ...args };
  const box = await fixture<HTMLDivElement>((story.render ?? renderScreen)(all, { args: all, loaded: { service } }));
  const host = box.querySelector('rtc-call')!;
  if (story.parameters.menu) await openMenu(host);
  await ready(host);
  return { box, host, service, root: host.shadowRoot! };
}

/** Opens the devices menu with its button, as a user does. */
async function openMenu(host: RtcCall): Promise<void> {
  await settle(host);
  host.shadowRoot!.querySelector<HTMLElement>('[part~="devices-button"]')!.click();
  await settle(host);
}

/** Waits until the host shows its language, the devices menu (if open) and the grid (if any) have loaded, and all is rendered. */
async function ready(host: RtcCall): Promise<void> {
  await settle(host);
  const root = host.shadowRoot!;
  // The language of the page around it (a new `lang` reaches the element through a MutationObserver), once its table has loaded.
  const lang = languageOf(langHolder(host)?.getAttribute('lang') ?? '');
  await until(() => part(root, 'screen')?.lang === lang, `the ${lang} strings`);
  if (root.querySelector('[aria-expanded="true"]')) await until(() => !!root.querySelector('select'), 'the devices menu');
  // The quality indicator, a chunk loaded once a peer's quality is known.
  if (root.querySelector('.stage > .tile') && host.service.peers.some((p) => p.stats)) await until(() => !!part(root, 'quality'), 'the quality indicator');
  if (root.querySelector('rtc-peer-grid')) {
    await customElements.whenDefined('rtc-peer-grid');
    await until(() => !!root.querySelector('rtc-peer-grid')!.shadowRoot?.querySelector('.tile'), 'the grid tiles');
  }
  await settle(host);
}

const part = <T extends Element = HTMLElement>(root: ShadowRoot, name: string) => root.querySelector<T>(`[part~="${name}"]`);
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** The panel's heading, text and buttons, each as its words. */
const panel = (root: ShadowRoot) => [...(part(root, 'panel')?.querySelectorAll('h2, p, button') ?? [])].map(text);
/** Resolves on the service's next `type` event. */
const next = (service: FakeCallService, type: 'mediachange' | 'statechange') => new Promise((resolve) => service.addEventListener(type, resolve, { once: true }));

afterEach(async () => {
  for (const service of services.splice(0)) service.dispose();
  await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
});

const STATES: Array<[string, CallScreenStory]> = [
  ['Idle', stories.Idle],
  ['Ready', stories.Ready],
  ['Connecting', stories.Connecting],
  ['Connected', stories.Connected],
  ['Muted', stories.Muted],
  ['Group', stories.Group],
  ['Reconnecting', stories.Reconnecting],
  ['Calling', stories.Calling],
  ['Ringing', stories.Ringing],
  ['Ended', stories.Ended],
  ['Failed', stories.Failed],
  ['DevicesMenu', stories.DevicesMenu],
];

describe('the call screen', () => {
  describe('passes axe in every state', () => {
    for (const lang of ['en', 'ko', 'es', 'ar'] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        it(`${lang}, ${scheme}: ${STATES.map(([name]) => name).join(', ')}`, async () => {
          await emulateMedia({ colorScheme: scheme });
          for (const [name, story] of STATES) {
            const { box, host, root } = await show(story, { lang });
            // The theme really is the one asked for: the stage's background follows prefers-color-scheme.
            const stage = getComputedStyle(part(root, 'stage')!).backgroundColor;
            expect(stage, `${name}: stage color`).to.equal(scheme === 'dark' ? 'rgb(0, 0, 0)' : 'rgb(204, 204, 204)');
            expect(part(root, 'screen')!.lang, name).to.equal(lang);
            try {
              await expect(host, `${name} (${lang}, ${scheme})`).to.be.accessible();
            } finally {
              box.remove();
            }
          }
        });
      }
    }
  });

  describe('each state shows what it needs', () => {
    it('idle: the start panel and no control bar; Start starts', async () => {
      const { host, root, service } = await show(stories.Idle);
      expect(panel(root)).to.deep.equal(['Ready to join?', 'Your camera and microphone turn on when you start.', 'Start']);
      expect(part(root, 'controls')).to.equal(null);
      root.querySelector<HTMLButtonElement>('.panel button')!.click();
      await until(() => service.state === 'ready', 'ready');
      await settle(host);
      expect(panel(root)).to.deep.equal(['You are in the channel', 'Call']);
      expect(part(root, 'controls')).to.exist;
      expect(part(root, 'self-view')).to.exist;
    });

    it('connected 1:1: the peer fills the stage with its name and quality; the self-view is small, in the corner, mirrored', async () => {
      const { root } = await show(stories.Connected);
      const tile = part(root, 'tile')!;
      expect(tile.querySelector('rtc-remote-video')!.getAttribute('peer')).to.equal('p1');
      expect(text(part(root, 'name'))).to.equal('Alex');
      expect(part(root, 'quality')!.getAttribute('aria-label')).to.equal('Connection good');
      expect(part(root, 'quality')!.title).to.equal('Connection good · 12 ms · 640×480 · host');
      const stage = part(root, 'stage')!.getBoundingClientRect();
      // The peer fills the stage, and the stage the room left by the control bar: the video does not grow it.
      const screen = part(root, 'screen')!;
      expect(screen.getBoundingClientRect().height).to.equal(560);
      expect(screen.scrollHeight).to.be.at.most(screen.clientHeight);
      expect(part(root, 'controls')!.getBoundingClientRect().bottom).to.be.closeTo(screen.getBoundingClientRect().bottom - 12, 1);
      const tileBox = tile.getBoundingClientRect();
      expect(tileBox.width).to.equal(stage.width);
      expect(tileBox.height).to.equal(stage.height);
      const self = part(root, 'self-view')!;
      const selfBox = self.getBoundingClientRect();
      expect(selfBox.width).to.be.below(stage.width / 3);
      expect(selfBox.right).to.be.closeTo(stage.right - 12, 1);
      // In the corner, above the tiles' name row (12 px and 2.25rem, 36 px), so that it covers no name.
      expect(selfBox.bottom).to.be.closeTo(stage.bottom - 12 - 36, 1);
      expect(getComputedStyle(self).transform).to.equal('matrix(-1, 0, 0, 1, 0, 0)');
      // Each video is named for assistive technology: the peer's name, and "You".
      const label = (el: Element) => el.shadowRoot!.querySelector('video')!.getAttribute('aria-label');
      expect([label(tile.querySelector('rtc-remote-video')!), label(self)]).to.deep.equal(['Alex', 'You']);
      expect(part(root, 'grid')).to.equal(null);
    });

    it('group: <rtc-peer-grid> with a tile per peer, names, the muted badge and each quality', async () => {
      const { root } = await show(stories.Group);
      const grid = part(root, 'grid')!;
      const tiles = [...grid.shadowRoot!.querySelectorAll('[part~="tile"]')];
      expect(tiles.map((t) => t.getAttribute('data-peer'))).to.deep.equal(['p1', 'p2', 'p3', 'p4']);
      expect(tiles.map((t) => text(t.querySelector('[part~="name"]')))).to.deep.equal(['Alex', 'Bea', 'Chen', 'Dana Okonkwo-Villanueva']);
      expect(tiles.map((t) => !!t.querySelector('[part~="muted-badge"]'))).to.deep.equal([false, true, false, false]);
      expect(tiles[1].querySelector('[part~="muted-badge"]')!.getAttribute('aria-label')).to.equal('Microphone off');
      expect(tiles.map((t) => t.querySelector('[part~="quality"]')!.getAttribute('data-level'))).to.deep.equal(['good', 'fair', 'poor', 'good']);
      // Two by two.
      const boxes = tiles.map((t) => t.getBoundingClientRect());
      expect(boxes[0].top).to.equal(boxes[1].top);
      expect(boxes[2].top).to.be.above(boxes[0].bottom);
      expect(boxes[0].left).to.equal(boxes[2].left);
    });

    it('reconnecting: the overlay over the peer', async () => {
      const { root } = await show(stories.Reconnecting);
      expect(text(part(root, 'overlay'))).to.equal('Reconnecting…');
      expect(part(root, 'tile')).to.exist;
    });

    it('ringing: the caller, Decline and Accept; Accept answers', async () => {
      const { host, root, service } = await show(stories.Ringing);
      expect(panel(root)).to.deep.equal(['Alex is calling', 'Decline', 'Accept']);
      [...root.querySelectorAll<HTMLButtonElement>('.panel button')][1].click();
      await until(() => service.state === 'connected', 'connected');
      await settle(host);
      expect(part(root, 'panel')).to.equal(null);
    });

    it('calling: Calling… and Cancel; Cancel cancels', async () => {
      const { host, root, service } = await show(stories.Calling);
      expect(panel(root)).to.deep.equal(['Calling Alex…', 'Cancel']);
      root.querySelector<HTMLButtonElement>('.panel button')!.click();
      await until(() => service.state === 'idle', 'idle');
      await settle(host);
      expect(panel(root)[0]).to.equal('Ready to join?');
    });

    it("failed: the error in the page's words (English: its own message), and Try again", async () => {
      const { root } = await show(stories.Failed);
      expect(panel(root)).to.deep.equal(['The call failed', 'No network path to the peer was found.', 'Try again']);
      const korean = await show(stories.Failed, { lang: 'ko' });
      expect(panel(korean.root)).to.deep.equal(['통화에 실패했습니다', '다른 참가자에게 연결할 네트워크 경로를 찾지 못했습니다.', '다시 시도']);
    });

    it("ended after a call: how long it lasted, in the page's digits (Intl, ar-EG), and Start again", async () => {
      const { host, root, service } = await show(stories.Connected, { lang: 'ar-EG' as 'ar' });
      await service.hangup();
      await settle(host);
      expect(panel(root)).to.deep.equal(['انتهت المكالمة', 'استمرت المكالمة ٠:٠٠.', 'ابدأ من جديد']);
    });
  });

  describe('the control bar', () => {
    it('each button has a name, a tooltip, and aria-pressed where it toggles; the state follows the service', async () => {
      const { host, root, service } = await show(stories.Connected);
      const buttons = [...part(root, 'controls')!.querySelectorAll(':scope > button')] as HTMLButtonElement[];
      expect(buttons.map((b) => b.getAttribute('part'))).to.deep.equal(['mute-audio-button', 'mute-video-button', 'screen-button', 'devices-button', 'hangup-button']);
      expect(buttons.map((b) => text(b))).to.deep.equal(['Mute microphone', 'Turn camera off', 'Share screen', 'Devices', 'Hang up']);
      expect(buttons.map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['false', 'false', 'false', null, null]);
      expect(buttons[3].getAttribute('aria-expanded')).to.equal('false');
      // The tooltip shows on hover and keyboard focus only.
      const tip = buttons[0].querySelector('.tip')!;
      expect(getComputedStyle(tip).opacity).to.equal('0');
      // The pressed state is the service's, once it says the change is made.
      let changed = next(service, 'mediachange');
      buttons[0].click();
      await changed;
      changed = next(service, 'mediachange');
      buttons[2].click();
      await changed;
      await settle(host);
      expect(buttons.map((b) => b.getAttribute('aria-pressed'))).to.deep.equal(['true', 'false', 'true', null, null]);
      changed = next(service, 'mediachange');
      buttons[0].click();
      await changed;
      await settle(host);
      expect(buttons[0].getAttribute('aria-pressed')).to.equal('false');
    });

    it('a keyboard-only walk through a call: start, call, mute, the devices menu, hang up, with a visible focus ring', async () => {
      await emulateMedia({ reducedMotion: 'reduce' }); // the tooltip shows at once, without its fade
      const { host, root, service } = await show(stories.Idle);
      const focused = () => root.activeElement as HTMLElement | null;
      const press = async (key: string) => {
        await sendKeys({ press: key });
        await settle(host);
      };
      await press('Tab');
      expect(text(focused())).to.equal('Start');
      const ring = getComputedStyle(focused()!);
      expect([ring.outlineStyle, ring.outlineWidth]).to.deep.equal(['solid', '3px']);
      await press('Enter');
      await until(() => service.state === 'ready', 'ready');
      await settle(host);
      // The Start button went away; focus moved to what replaced it rather than being lost.
      expect(text(focused())).to.equal('Call');
      await press('Enter');
      await until(() => service.state === 'connected', 'connected');
      await settle(host);
      expect(focused()!.getAttribute('part')).to.equal('mute-audio-button');
      const muted = next(service, 'mediachange');
      await press('Space');
      await muted;
      await settle(host);
      expect(focused()!.getAttribute('aria-pressed')).to.equal('true');
      await press('Tab');
      await press('Tab');
      await press('Tab');
      expect(focused()!.getAttribute('part')).to.equal('devices-button');
      await press('Enter');
      await until(() => !!root.querySelector('select'), 'the devices menu');
      await settle(host);
      expect(focused()!.getAttribute('aria-expanded')).to.equal('true');
      // The menu comes next in the order: its first select, the camera.
      await press('Tab');
      expect(focused()!.getAttribute('part')).to.equal('camera-select');
      await press('ArrowDown');
      await until(() => service.selected.length > 0, 'a camera chosen');
      expect(service.selected).to.deep.equal(['videoinput:cam-2']);
      // Escape closes the menu and gives focus back to its button.
      await press('Escape');
      expect(part(root, 'devices-menu')).to.equal(null);
      expect(focused()!.getAttribute('part')).to.equal('devices-button');
      expect(focused()!.getAttribute('aria-expanded')).to.equal('false');
      await press('Tab');
      expect(focused()!.getAttribute('part')).to.equal('hangup-button');
      expect(getComputedStyle(focused()!.querySelector('.tip')!).opacity).to.equal('1');
      await press('Enter');
      await until(() => service.state === 'ended', 'ended');
      await settle(host);
      expect(text(focused())).to.equal('Start again');
    });

    it('Escape on the devices button closes the menu too', async () => {
      const { host, root } = await show(stories.DevicesMenu);
      const button = part(root, 'devices-button')!;
      button.focus();
      await sendKeys({ press: 'Escape' });
      await settle(host);
      expect(part(root, 'devices-menu')).to.equal(null);
      expect(root.activeElement).to.equal(button);
    });
  });

  describe('languages', () => {
    it('lang="ko" on the host shows Korean; `strings` overrides one entry', async () => {
      const { host, root, service } = await show(stories.Idle, { lang: 'en' });
      host.lang = 'ko';
      await ready(host);
      expect(panel(root)).to.deep.equal(['참여할 준비가 되셨나요?', '시작하면 카메라와 마이크가 켜집니다.', '시작']);
      host.strings = { start: '들어가기' };
      service.start();
      await settle(host);
      expect(text(root.querySelector('.panel button'))).to.equal('들어가기');
      expect(text(root.querySelector('.panel h2'))).to.equal('참여할 준비가 되셨나요?');
      await until(() => service.state === 'ready', 'ready');
      await settle(host);
      expect(panel(root)).to.deep.equal(['채널에 들어왔습니다', '통화하기']);
      expect(text(part(root, 'controls'))).to.equal('마이크 끄기 카메라 끄기 화면 공유 장치 통화 종료');
      expect(part(root, 'self-view')!.shadowRoot!.querySelector('video')!.getAttribute('aria-label')).to.equal('나');
    });

    it('the nearest lang up the page, through shadow roots, and a change of it', async () => {
      const outer = await fixture<HTMLDivElement>(html`<div lang="es"><div></div></div>`);
      const shadow = outer.firstElementChild!.attachShadow({ mode: 'open' });
      const service = new FakeCallService(stories.Ringing.parameters.rtc);
      services.push(service);
      render(html`<rtc-call .service=${service} channel="demo"></rtc-call>`, shadow);
      const host = shadow.querySelector('rtc-call')!;
      await ready(host);
      expect(text(host.shadowRoot!.querySelector('.panel h2'))).to.equal('Alex te está llamando');
      outer.lang = 'ar';
      await ready(host);
      expect(text(host.shadowRoot!.querySelector('.panel h2'))).to.equal('Alex يتصل بك');
      expect(part(host.shadowRoot!, 'screen')!.dir).to.equal('rtl');
      outer.lang = 'fr';
      await ready(host);
      expect(text(host.shadowRoot!.querySelector('.panel h2')), 'a language not built in: English').to.equal('Alex is calling');
    });

    it('lang="ar" runs right to left: direction rtl, the control bar and the self-view mirrored', async () => {
      const positions = async (lang: 'en' | 'ar') => {
        const { root } = await show(stories.Connected, { lang });
        const screen = part(root, 'screen')!;
        const x = (name: string) => part(root, name)!.getBoundingClientRect().left;
        const stage = part(root, 'stage')!.getBoundingClientRect();
        return {
          direction: getComputedStyle(screen).direction,
          micBeforeHangup: x('mute-audio-button') < x('hangup-button'),
          selfOnRight: x('self-view') > stage.left + stage.width / 2,
          nameOnLeft: x('name') < stage.left + stage.width / 2,
          qualityOnRight: x('quality') > stage.left + stage.width / 2,
        };
      };
      expect(await positions('en')).to.deep.equal({ direction: 'ltr', micBeforeHangup: true, selfOnRight: true, nameOnLeft: true, qualityOnRight: true });
      expect(await positions('ar')).to.deep.equal({ direction: 'rtl', micBeforeHangup: false, selfOnRight: false, nameOnLeft: false, qualityOnRight: false });
    });
  });

  describe('fits a phone', () => {
    before(async () => {
      document.body.style.margin = '0';
      await setViewport({ width: 360, height: 640 });
    });
    after(async () => {
      document.body.style.margin = '';
      await setViewport({ width: 800, height: 600 });
    });

    for (const [name, story] of [...STATES, ['GroupOfFive', stories.GroupOfFive] as [string, CallScreenStory]]) {
      for (const lang of ['es', 'ar'] as const) {
        it(`${name} (${lang}): no horizontal overflow at 360 px`, async () => {
          const { root } = await show(story, { lang, width: 360, height: 640 });
          const screen = part(root, 'screen')!;
          expect(screen.getBoundingClientRect().width).to.equal(360);
          expect(screen.scrollWidth, 'nothing overflows the screen, not even hidden').to.be.at.most(screen.clientWidth);
          expect(screen.scrollHeight, 'nor in height: the video does not push the control bar out').to.be.at.most(screen.clientHeight);
          expect(document.documentElement.scrollWidth).to.be.at.most(360);
          for (const el of root.querySelectorAll('button, select, .panel, .menu')) {
            const box = el.getBoundingClientRect();
            expect(box.left, `${el.className || el.tagName} left`).to.be.at.least(0);
            expect(box.right, `${el.className || el.tagName} right`).to.be.at.most(360);
          }
        });
      }
    }

    for (const [name, story, count] of [['Connected', stories.Connected, 1], ['Group of two', stories.Group, 2], ['Group', stories.Group, 4]] as const) {
      for (const lang of ['en', 'ar'] as const) {
        it(`${name} (${lang}): the self-view covers no peer's name, however long, at 360 px`, async () => {
          const rtc = { ...story.parameters.rtc, people: story.parameters.rtc.people!.slice(0, count) };
          const service = new FakeCallService(rtc);
          for (const peer of rtc.people) service.updatePeer(peer.id, { name: `${peer.name ?? 'Someone'} Okonkwo-Villanueva de la Torre` });
          const { root } = await show(story, { lang, width: 360, height: 640 }, service);
          const self = part(root, 'self-view')!.getBoundingClientRect();
          const grid = root.querySelector('rtc-peer-grid')?.shadowRoot;
          const names = [...root.querySelectorAll('[part~="name"]'), ...(grid?.querySelectorAll('[part~="name"]') ?? [])];
          expect(names.length, 'a name on every tile').to.equal(count);
          for (const label of names) {
            const box = label.getBoundingClientRect();
            const overlap = box.left < self.right && self.left < box.right && box.top < self.bottom && self.top < box.bottom;
            expect(overlap, `"${text(label)}" under the self-view`).to.equal(false);
          }
        });
      }
    }
  });

  describe('the live region', () => {
    it('announces a peer leaving and joining, by name, politely', async () => {
      const { host, root, service } = await show(stories.Group);
      const region = root.querySelector('[role="status"]')!;
      expect(region.getAttribute('aria-live') ?? 'polite (role=status)').to.equal('polite (role=status)');
      expect(text(region), 'nothing old is announced').to.equal('');
      service.leave('p2');
      await settle(host);
      expect(text(region)).to.equal('Bea left.');
      service.join({ id: 'p9', name: 'Zoe' });
      await settle(host);
      expect(text(region)).to.equal('Zoe joined.');
    });

    it('announces ringing, connected, reconnecting, the end and an error', async () => {
      const { host, root, service } = await show(stories.Idle, { lang: 'es' });
      const said = async () => {
        await settle(host);
        return text(root.querySelector('[role="status"]'));
      };
      service.ring({ name: 'Alex', from: 'alex' });
      expect(await said()).to.equal('Alex te está llamando');
      await service.accept();
      expect(await said()).to.equal('Alex se unió. Conectado.');
      service.moveTo('reconnecting');
      expect(await said()).to.equal('Reconectando…');
      await service.hangup();
      expect(await said()).to.equal('Llamada finalizada');
      service.fail(new RtcError('channel-full', "Channel 'x' is full."));
      expect(await said()).to.equal('Esta llamada está completa.');
    });
  });

  it('prefers-reduced-motion stops the spinner', async () => {
    const { root } = await show(stories.Reconnecting);
    expect(getComputedStyle(root.querySelector('.spinner')!).animationName).to.equal('spin');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(root.querySelector('.spinner')!).animationName).to.equal('none');
  });

  it('raises no Lit dev-mode warning, and leaves no listener on the service once removed', async () => {
    const service = new FakeCallService(stories.Group.parameters.rtc);
    services.push(service);
    const warnings = await captureLitDevWarnings(async () => {
      const { box, host } = await show(stories.Group, {}, service);
      await openMenu(host);
      await ready(host);
      service.leave('p1');
      service.updatePeer('p2', { audioMuted: false, name: 'Beatriz' });
      await settle(host);
      await service.hangup();
      await settle(host);
      box.remove();
    });
    expect(warnings).to.deep.equal([]);
    expect(service.listenerCount()).to.equal(0);
  });
});
