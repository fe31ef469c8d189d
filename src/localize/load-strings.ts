import { en, type Language, type Strings } from './strings.js';

// Each language but English is a chunk of its own: nothing imports these modules statically.
const chunks = {
  ko: () => import('./ko.js'),
  es: () => import('./es.js'),
  ar: () => import('./ar.js'),
};

/** The string table of a built-in language; every one but English loads on first use (English has no error words: see strings.ts). */
export async function loadStrings(lang: Language): Promise<Strings> {
  return lang === 'en' ? (en as Strings) : (await chunks[lang]()).default;
}

/** The built-in language for a BCP 47 tag (`es-MX` is `es`); English for any other. */
export function languageOf(tag: string): Language {
  const base = tag.toLowerCase().split('-')[0];
  return base === 'ko' || base === 'es' || base === 'ar' ? base : 'en';
}
