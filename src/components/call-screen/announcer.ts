import type { Strings } from '../../localize/strings.js';
import type { CallScreenService, Localize } from './types.js';

/** Said when the call moves to one of these states. */
const SAID: Partial<Record<string, keyof Strings>> = { connected: 'connected', reconnecting: 'reconnecting', ended: 'ended' };

/** The words for an error: the table's for its code, else (English, or a code the table lacks) its own message. */
export function errorText(error: { code: string; message: string }, l: Localize): string {
  return l.t(error.code as keyof Strings) || error.message;
}

/**
 * What the call screen's polite live region says. Give it the service after every change (`update()`
 * compares with what it saw last); it says ringing, connected, reconnecting, the call's end, an error,
 * and each peer that joins (once connected) or leaves, by name (a call that ends says only that). The
 * first look only takes notes: a screen shown mid-call announces nothing old. It also times the call,
 * for the ended panel.
 */
export class CallAnnouncer {
  /** The last announcement; it stays until the next, so a re-render does not repeat or clear it. */
  text = '';
  /** How long the last call was connected, in milliseconds, once it has ended. */
  duration: number | null = null;
  #state: string | null = null;
  #since = 0;
  /** The peers seen connected, by id, with their last known name. */
  #names = new Map<string, string | null | undefined>();

  update(s: CallScreenService, l: Localize): string {
    const said: string[] = [];
    const first = this.#state === null;
    const name = (n: string | null | undefined) => ({ name: n || l.t('guest') });
    const ids = new Set(s.peers.map((p) => p.id));
    for (const [id, n] of this.#names) {
      if (ids.has(id)) continue;
      this.#names.delete(id);
      said.push(l.t('left', name(n)));
    }
    for (const p of s.peers) {
      const known = this.#names.has(p.id);
      if (!known && p.state !== 'connected') continue;
      if (!known && !first) said.push(l.t('joined', name(p.name)));
      this.#names.set(p.id, p.name ?? this.#names.get(p.id));
    }
    const state = s.state;
    if (state !== this.#state) {
      if (state === 'connected' && !this.#since) this.#since = Date.now();
      if (state === 'ended' || state === 'failed') {
        this.duration = this.#since ? Date.now() - this.#since : null;
        this.#since = 0;
      }
      if (!first) {
        // A call that ended (here or by the last peer) says so, not that everyone left.
        if (!s.peers.length) said.length = 0;
        const key = SAID[state];
        if (key) said.push(l.t(key));
        if (state === 'ringing') said.push(l.t('ringing', { name: s.invitation?.name || l.t('someone') }));
        if (state === 'failed' && s.error) said.push(errorText(s.error, l));
      }
      this.#state = state;
    }
    if (said.length) this.text = said.join(' ');
    return this.text;
  }
}
