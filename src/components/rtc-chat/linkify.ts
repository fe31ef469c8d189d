import { html, type TemplateResult } from 'lit';

// http and https addresses only; a scheme such as javascript: or data: never becomes a link. `\b` keeps
// "xhttp://…" from matching in the middle of a word.
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the address.
const TRAILING = /[.,;:!?'")\]}]+$/;

/**
 * A peer's text as text, with its http(s) addresses as links. Everything is rendered by Lit as text
 * nodes and attribute values, never parsed as HTML: `<img src=x onerror=…>` shows as those characters.
 */
export function linkify(text: string): Array<string | TemplateResult> {
  const parts: Array<string | TemplateResult> = [];
  let last = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const address = match[0].replace(TRAILING, '');
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    parts.push(text.slice(last, match.index), html`<a part="link" href=${url.href} target="_blank" rel="noopener noreferrer">${address}</a>`);
    last = match.index + address.length;
  }
  parts.push(text.slice(last));
  return parts;
}
