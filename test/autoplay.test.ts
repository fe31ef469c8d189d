// Autoplay: when the browser will not play the peer's media without a user gesture, the element shows
// a "click to play" button instead of a silent black box, and a click plays it.
//
// - The real block: this page opens no camera, so Chromium's autoplay policy really refuses to play a
//   remote stream (NotAllowedError), and a real mouse click (sendMouse: a trusted user gesture) lets it.
// - Both variants in a real call: a page that has a camera open may autoplay, so there the refusal is
//   faked on one side's remote video only (a stubbed play()), to prove each variant's own wiring.
import { expect, fixture, html } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../src/index.js';
import type { CallVariant, RtcCall, RtcRemoteVideo } from '../src/index.js';
import { FakeRtcService } from '../stories/fake-rtc-service.js';
import { cleanUpCalls, createCall, newChannel, waitForState } from './helpers/call-helpers.js';
import { remoteVideo, shownRemoteVideo, until } from './helpers/media-helpers.js';

const playButtonOf = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('[part~="play-button"]');
const realPlay = HTMLMediaElement.prototype.play;

/** Makes play() refuse, as a blocking autoplay policy does, for the videos that `refuse` picks. */
function blockPlay(refuse: (video: HTMLMediaElement) => boolean): void {
  HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
    if (refuse(this)) return Promise.reject(new DOMException('play() failed because the user did not interact with the document first.', 'NotAllowedError'));
    return realPlay.call(this);
  };
}

afterEach(() => {
  HTMLMediaElement.prototype.play = realPlay;
});

for (const variant of ['async', 'then'] as CallVariant[]) {
  for (const withChildren of [true, false]) {
    it(`variant="${variant}"${withChildren ? ' with <rtc-remote-video>' : ', default page'}: a refused play() shows "click to play"; clicking plays`, async () => {
      const channel = newChannel(`autoplay-${variant}`);
      const a = createCall(variant, channel, { withChildren });
      const b = createCall(variant, channel, { withChildren });
      blockPlay((video) => isInside(video, b));
      try {
        await a.start();
        await b.start();
        await a.call();
        await waitForState(b, 'connected');
        const video = await shownRemoteVideo(b);
        const root = video.getRootNode() as ShadowRoot;
        await until(() => !!playButtonOf(root), 'the play button');
        expect(playButtonOf(root)!.textContent).to.contain('Click to play');
        expect(playButtonOf(remoteVideo(a).getRootNode() as ShadowRoot), 'the side that may autoplay shows no button').to.equal(null);

        HTMLMediaElement.prototype.play = realPlay; // the click is the gesture that allows it
        playButtonOf(root)!.click();
        await until(() => !playButtonOf(root), 'the play button to go');
        await until(() => !video.paused, 'the video to play');
      } finally {
        await cleanUpCalls();
      }
    });
  }
}

/** Whether `node` is inside `host`, its shadow root included, or inside an element that is. */
function isInside(node: Node, host: Element): boolean {
  for (let n: Node | undefined = node; n; n = (n.getRootNode() as ShadowRoot).host) if (host.contains(n)) return true;
  return false;
}

// Last: the real click gives this page a user activation, after which nothing is blocked any more.
describe('the real autoplay block (no camera open in this page)', () => {
  it('Chromium refuses to play the remote stream: the button shows, passes axe, and a real click plays it', async () => {
    const service = new FakeRtcService({ state: 'connected' });
    try {
      const el = await fixture<RtcRemoteVideo>(html`<rtc-remote-video .service=${service}></rtc-remote-video>`);
      const video = el.shadowRoot!.querySelector('video')!;
      await until(() => !!playButtonOf(el.shadowRoot!), 'the play button (Chromium blocked autoplay)');
      expect(video.paused).to.equal(true);
      await expect(el).to.be.accessible();

      const box = playButtonOf(el.shadowRoot!)!.getBoundingClientRect();
      await sendMouse({ type: 'click', position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)] });
      await until(() => !video.paused, 'the video to play after a real click');
      await until(() => !playButtonOf(el.shadowRoot!), 'the play button to go');
    } finally {
      service.dispose();
    }
  });
});
