import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { chunk, type RtcError } from '../services/rtc/rtc-error.js';
import { languageOf, loadStrings } from './load-strings.js';
import { en, type Language, type Strings } from './strings.js';

/** An element that shows localized strings; `strings` overrides any entry of the table. */
export type LocalizeHost = ReactiveControllerHost & HTMLElement & { strings?: Partial<Strings> | null };

export interface LocalizeOptions {
  /** Called when a language's table failed to load; English is shown instead. */
  onError?: (error: RtcError) => void;
  /** Where the tables come from (tests give one that fails). Default `loadStrings`. */
  load?: (lang: Language) => Promise<Strings>;
}

/** The tables loaded so far, shared by every element on the page; null for one that failed (said once). */
const tables: Partial<Record<Language, Strings | null>> = { en: en as Strings }; // English has no error words: see strings.ts
/** Intl formatters are slow to make and cheap to keep: one per locale and options. */
const formats = new Map<string, Intl.NumberFormat>();

/** The element whose `lang` applies to `el`: its own, else the nearest ancestor's, out through shadow roots. */
export function langHolder(el: Element): Element | null {
  for (let node: Element | null = el; node; node = (node.getRootNode() as ShadowRoot).host ?? null) {
    const holder = node.closest('[lang]');
    if (holder) return holder;
  }
  return null;
}

/**
 * The strings, direction and number formats of the host's language: its `lang` attribute, else the
 * nearest `lang` up the page (crossing shadow roots). It watches the host and that ancestor for a new
 * `lang`, loads the table on first use, and renders the host again once it is there. Until then, and
 * if it fails to load (reported to `onError`), the host shows English.
 */
export class LocalizeController implements ReactiveController {
  /** The language of the strings shown now. */
  lang: Language = 'en';
  /** Settles once the wanted language is shown (or has fallen back to English). */
  ready: Promise<void> = Promise.resolve();
  #wanted: Language = 'en';
  /** The `lang` that applies, as a canonical tag. */
  #tag = 'en';
  #observer: MutationObserver | null = null;
  readonly #host: LocalizeHost;
  readonly #options: LocalizeOptions;

  constructor(host: LocalizeHost, options: LocalizeOptions = {}) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** The tag for Intl: the page's (`es-MX`) when its strings are the ones shown, else the shown language's. */
  get locale(): string {
    return languageOf(this.#tag) === this.lang ? this.#tag : this.lang;
  }

  /** `rtl` for a language written right to left (Arabic), else `ltr`. */
  get dir(): 'ltr' | 'rtl' {
    return this.lang === 'ar' ? 'rtl' : 'ltr';
  }

  hostConnected(): void {
    this.#follow();
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
  }

  /** The string for `key`, with `{name}`-style holes filled from `values`; '' for an error code English has no words for. */
  t(key: keyof Strings, values?: Record<string, string>): string {
    const text = this.#host.strings?.[key] ?? tables[this.lang]?.[key] ?? '';
    return values ? text.replace(/\{(\w+)\}/g, (hole, name: string) => values[name] ?? hole) : text;
  }

  /** `value` formatted for the language with `Intl.NumberFormat` (units, percent, digits). */
  number(value: number, options?: Intl.NumberFormatOptions): string {
    const key = this.locale + JSON.stringify(options);
    let format = formats.get(key);
    if (!format) formats.set(key, (format = new Intl.NumberFormat(this.locale, options)));
    return format.format(value);
  }

  /** A duration in milliseconds as `m:ss` or `h:mm:ss`, in the language's digits. */
  duration(ms: number): string {
    const s = Math.round(ms / 1000);
    const parts = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
    if (!parts[0]) parts.shift();
    return parts.map((n, i) => this.number(n, { minimumIntegerDigits: i ? 2 : 1 })).join(':');
  }

  /** Reads the language now, watches where it comes from, and loads its table. */
  #follow(): void {
    if (typeof MutationObserver === 'undefined') return;
    const holder = langHolder(this.#host);
    const tag = holder?.getAttribute('lang') ?? '';
    const lang = languageOf(tag);
    this.#observer?.disconnect();
    this.#observer ??= new MutationObserver(() => this.#follow());
    // The host, in case it gets a `lang` of its own; and the element whose `lang` applies now.
    for (const el of new Set([this.#host, holder ?? document.documentElement])) this.#observer.observe(el, { attributeFilter: ['lang'] });
    try {
      this.#tag = Intl.getCanonicalLocales(tag || 'en')[0] ?? lang;
    } catch {
      this.#tag = lang; // not a valid tag: the language's own formats
    }
    // The same language (maybe another region's formats), shown or on its way.
    if (lang === this.#wanted) return this.#host.requestUpdate();
    this.#wanted = lang;
    const table = tables[lang];
    this.ready =
      table !== undefined
        ? Promise.resolve(this.#show(table ? lang : 'en'))
        : chunk(`the '${lang}' strings`, (this.#options.load ?? loadStrings)(lang)).then(
          (table) => {
            tables[lang] = table;
            if (this.#wanted === lang) this.#show(lang);
          },
          (error: RtcError) => {
            tables[lang] = null;
            if (this.#wanted === lang) this.#show('en');
            this.#options.onError?.(error);
          },
        );
  }

  #show(lang: Language): void {
    if (this.lang === lang) return;
    this.lang = lang;
    this.#host.requestUpdate();
  }
}
