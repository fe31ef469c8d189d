// A language whose table fails to load (a missing chunk, a network error): English is shown, and the
// failure is reported once, as a load-failed RtcError that names it. In a page of its own: the tables
// that loaded are shared by the page, and this test needs Korean not loaded yet.
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import type { RtcError } from '../services/rtc/rtc-error.js';
import { LocalizeController } from './localize-controller.js';
import type { Language, Strings } from './strings.js';

const errors: RtcError[] = [];
const asked: Language[] = [];
const failing = (lang: Language): Promise<Strings> => {
  asked.push(lang);
  return Promise.reject(new TypeError('Failed to fetch dynamically imported module: /dist/rtc-kit-ko-x.js'));
};

class Thing extends LitElement {
  readonly l = new LocalizeController(this, { onError: (error) => errors.push(error), load: failing });
  protected override render() {
    return html`<p>${this.l.t('start')}</p>`;
  }
}
customElements.define('failing-thing', Thing);

describe('LocalizeController, a table that fails to load', () => {
  it('shows English and reports a load-failed error once; a second element does not ask again', async () => {
    const first = await fixture<Thing>(html`<failing-thing lang="ko"></failing-thing>`);
    await first.l.ready;
    await first.updateComplete;
    expect(first.shadowRoot!.textContent!.trim()).to.equal('Start');
    expect([first.l.lang, first.l.dir]).to.deep.equal(['en', 'ltr']);
    expect(errors.map((e) => [e.code, e.message])).to.deep.equal([
      ['load-failed', "rtc-kit could not load the 'ko' strings (Failed to fetch dynamically imported module: /dist/rtc-kit-ko-x.js)."],
    ]);
    const second = await fixture<Thing>(html`<failing-thing lang="ko-KR"></failing-thing>`);
    await second.l.ready;
    await second.updateComplete;
    expect(second.shadowRoot!.textContent!.trim()).to.equal('Start');
    expect(asked).to.deep.equal(['ko']);
    expect(errors.length).to.equal(1);
  });
});
