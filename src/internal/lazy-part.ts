import type { ReactiveControllerHost } from 'lit';
import { RtcError } from '../services/rtc/rtc-error.js';

/**
 * A part of an element that not every call needs (device selects, the quality line, ...), in a chunk of
 * its own: loaded on first `get()`, after which the host renders again. A chunk that fails to load (a
 * missing file, a network error) is reported once, as a `load-failed` RtcError, and never hangs.
 */
export class LazyPart<T> {
  #value: T | null = null;
  #loading = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly what: string,
    private readonly load: () => Promise<T>,
    private readonly failed: (error: RtcError) => void,
  ) {}

  /** The loaded part, or null while it loads (or if it failed). */
  get(): T | null {
    if (!this.#value && !this.#loading) {
      this.#loading = true;
      this.load().then(
        (value) => {
          this.#value = value;
          this.host.requestUpdate();
        },
        (cause) => this.failed(new RtcError('load-failed', `rtc-kit could not load ${this.what} (${(cause as Error)?.message ?? cause}).`, { cause })),
      );
    }
    return this.#value;
  }
}
