import type { ReactiveControllerHost } from 'lit';
import { chunk, type RtcError } from '../services/rtc/rtc-error.js';

/**
 * A part of an element that not every call needs (device selects, the quality line, ...), in a chunk of
 * its own: loaded on first `get()`, after which the host renders again. A chunk that fails to load (a
 * missing file, a network error) is reported once, as a `load-failed` RtcError, and never hangs.
 */
export class LazyPart<T> {
  #value: T | null = null;
  #loading = false;
  readonly #host: ReactiveControllerHost;
  readonly #what: string;
  readonly #load: () => Promise<T>;
  readonly #failed: (error: RtcError) => void;

  constructor(
    host: ReactiveControllerHost,
    what: string,
    load: () => Promise<T>,
    failed: (error: RtcError) => void,
  ) {
    this.#host = host;
    this.#what = what;
    this.#load = load;
    this.#failed = failed;
  }

  /** The loaded part, or null while it loads (or if it failed). */
  get(): T | null {
    if (!this.#value && !this.#loading) {
      this.#loading = true;
      chunk(this.#what, this.#load()).then((value) => {
        this.#value = value;
        this.#host.requestUpdate();
      }, this.#failed);
    }
    return this.#value;
  }

  /** The part if it has loaded, without loading it. */
  get loaded(): T | null {
    return this.#value;
  }
}
