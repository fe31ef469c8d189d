import { LitElement } from 'lit';
import { DEV_MODE } from './dev-mode.js';

/** The base of every rtc-kit element. */
export class RtcElement extends LitElement {
  /**
   * Registers the tag once. A second registration of the same class is a no-op; a different class
   * under the same tag (two copies of rtc-kit on one page) keeps the first and warns in dev mode.
   * Does nothing where there is no `customElements` (server-side rendering).
   */
  static define(tag: string): void {
    if (typeof customElements === 'undefined') return;
    const existing = customElements.get(tag);
    if (!existing) {
      customElements.define(tag, this);
      return;
    }
    if (existing !== this && DEV_MODE) {
      console.warn(`<${tag}> is already defined by another copy of rtc-kit; this copy's version is not used.`);
    }
  }
}
