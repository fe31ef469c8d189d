import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Listens to an EventTarget (for example a ChatHost) while the host element is connected, and to the new
 * one when it changes. Every listener it adds, it removes: a removed element leaves nothing behind.
 */
export class EventListenersController implements ReactiveController {
  #target: EventTarget | null = null;
  #connected = false;
  #listening = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly handlers: Record<string, (event: Event) => void>,
  ) {
    host.addController(this);
  }

  /** Follows `target`; call it whenever the host's target may have changed. */
  setTarget(target: EventTarget | null | undefined): void {
    if (this.#target === (target ?? null)) return;
    this.#listen(false);
    this.#target = target ?? null;
    this.#listen(this.#connected);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#listen(true);
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#listen(false);
  }

  #listen(on: boolean): void {
    if (!this.#target || this.#listening === on) return;
    this.#listening = on;
    for (const [type, handler] of Object.entries(this.handlers)) {
      if (on) this.#target.addEventListener(type, this.#wrapped(type, handler));
      else this.#target.removeEventListener(type, this.#wrapped(type, handler));
    }
  }

  readonly #wrappers = new Map<string, EventListener>();

  /** One stable wrapper per type, so removal finds what was added; it asks the host to render after. */
  #wrapped(type: string, handler: (event: Event) => void): EventListener {
    let wrapper = this.#wrappers.get(type);
    if (!wrapper) {
      wrapper = (event) => {
        handler(event);
        this.host.requestUpdate();
      };
      this.#wrappers.set(type, wrapper);
    }
    return wrapper;
  }
}
