// LocalizeController on a bare Lit element: where the language comes from, how it follows changes,
// the overrides, the direction and the Intl formats. (A table that fails to load: load-failure.test.ts,
// in a page of its own, since loaded tables are shared by the page.)
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import { LocalizeController } from './localize-controller.js';
import type { Strings } from './strings.js';

class LocalizedThing extends LitElement {
  static override properties = { strings: { attribute: false } };
  strings: Partial<Strings> | null = null;
  readonly l = new LocalizeController(this);
  renders = 0;
  protected override render() {
    this.renders++;
    return html`<p>${this.l.t('start')}</p>`;
  }
}
customElements.define('localized-thing', LocalizedThing);

/** Waits for a `lang` change to reach the controller (a MutationObserver, then the table), and the render. */
async function settled(el: LocalizedThing): Promise<string> {
  await null;
  await el.l.ready;
  await el.updateComplete;
  return el.shadowRoot!.querySelector('p')!.textContent!;
}

describe('LocalizeController', () => {
  it('English with no lang anywhere, and the built-in table for the host\'s own lang', async () => {
    const el = await fixture<LocalizedThing>(html`<localized-thing></localized-thing>`);
    expect(document.documentElement.lang).to.equal('');
    expect([el.l.lang, el.l.dir, await settled(el)]).to.deep.equal(['en', 'ltr', 'Start']);
    el.lang = 'es-MX';
    expect([await settled(el), el.l.lang, el.l.locale]).to.deep.equal(['Empezar', 'es', 'es-MX']);
    el.lang = 'AR';
    expect([await settled(el), el.l.lang, el.l.dir]).to.deep.equal(['ابدأ', 'ar', 'rtl']);
    el.removeAttribute('lang');
    expect(await settled(el)).to.equal('Start');
  });

  it('the nearest lang up the page, through two shadow roots, and its changes', async () => {
    const page = await fixture<HTMLElement>(html`<section lang="ko"><div></div></section>`);
    const outer = page.firstElementChild!.attachShadow({ mode: 'open' });
    outer.innerHTML = '<div><span></span></div>';
    const inner = outer.querySelector('span')!.attachShadow({ mode: 'open' });
    const el = document.createElement('localized-thing') as LocalizedThing;
    inner.append(el);
    expect(await settled(el)).to.equal('시작');
    page.lang = 'es';
    expect(await settled(el)).to.equal('Empezar');
    // A lang nearer than the one followed, on the host itself, wins at once.
    el.lang = 'ko';
    expect(await settled(el)).to.equal('시작');
    el.removeAttribute('lang');
    expect(await settled(el)).to.equal('Empezar');
    // A language not built in is English, with its own number formats.
    page.lang = 'de';
    expect([await settled(el), el.l.locale, el.l.number(1234.5)]).to.deep.equal(['Start', 'de', '1.234,5']);
  });

  it('`strings` overrides one entry and fills {holes}; an unknown hole stays', async () => {
    const el = await fixture<LocalizedThing>(html`<localized-thing lang="es"></localized-thing>`);
    await settled(el);
    el.strings = { start: 'Vamos', joined: '¡{name} llegó! {nope}' };
    expect(await settled(el)).to.equal('Vamos');
    expect(el.l.t('joined', { name: 'Ana' })).to.equal('¡Ana llegó! {nope}');
    expect(el.l.t('left', { name: 'Ana' })).to.equal('Ana salió.');
  });

  it('formats numbers and durations with Intl, in the language shown, and reuses its formatters', async () => {
    const el = await fixture<LocalizedThing>(html`<localized-thing lang="ar-EG"></localized-thing>`);
    await settled(el);
    expect(el.l.number(12, { style: 'unit', unit: 'millisecond' })).to.equal(new Intl.NumberFormat('ar-EG', { style: 'unit', unit: 'millisecond' }).format(12));
    expect(el.l.duration(3_723_000)).to.equal('١:٠٢:٠٣');
    el.lang = 'en';
    await settled(el);
    expect([el.l.duration(65_400), el.l.duration(0), el.l.number(0.25, { style: 'percent' })]).to.deep.equal(['1:05', '0:00', '25%']);
    const made = spyOnNumberFormat();
    try {
      for (let i = 0; i < 50; i++) el.l.number(i, { style: 'unit', unit: 'millisecond' });
      expect(made.count, 'one formatter for the same locale and options').to.be.at.most(1);
    } finally {
      made.restore();
    }
  });

  it('stops watching when the host leaves the page', async () => {
    const el = await fixture<LocalizedThing>(html`<localized-thing></localized-thing>`);
    await settled(el);
    const before = el.renders;
    el.remove();
    el.lang = 'ko';
    await null;
    await el.l.ready;
    expect(el.renders).to.equal(before);
    expect(el.l.lang).to.equal('en');
  });
});

function spyOnNumberFormat() {
  const original = Intl.NumberFormat;
  const made = { count: 0, restore: () => (Intl.NumberFormat = original) };
  Intl.NumberFormat = function (...args: ConstructorParameters<typeof Intl.NumberFormat>) {
    made.count++;
    return new original(...args);
  } as unknown as typeof Intl.NumberFormat;
  return made;
}
