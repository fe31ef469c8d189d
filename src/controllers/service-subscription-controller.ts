import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RtcServiceEventMap, RtcServiceListener } from '../services/rtc/service-events.js';

export type ServiceHandlers = { [K in keyof RtcServiceEventMap]?: RtcServiceListener<K> };

/**
 * Listens to the host's service while the host is connected, and to the new one when the service
 * changes. Every listener it adds, it removes: a removed element leaves nothing on the service. The
 * service may be any EventTarget that raises the service's events (a ChatHost, for <rtc-chat>).
 */
export class ServiceSubscriptionController implements ReactiveController {
  #service: EventTarget | null = null;
  #connected = false;
  #listening = false;
  readonly #host: ReactiveControllerHost;
  readonly #handlers: Record<string, (event: Event) => void>;

  constructor(host: ReactiveControllerHost, handlers: ServiceHandlers) {
    this.#host = host;
    this.#handlers = handlers as Record<string, (event: Event) => void>;
    host.addController(this);
  }

  /** Follows `service`; call it whenever the host's service may have changed. */
  setService(service: EventTarget | null | undefined): void {
    if (this.#service === (service ?? null)) return;
    this.#listen(false);
    this.#service = service ?? null;
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

  /** @internal The service's events: this controller is the one listener for every type it handles. */
  handleEvent(event: Event): void {
    this.#handlers[event.type]!(event);
    this.#host.requestUpdate();
  }

  #listen(on: boolean): void {
    const service = this.#service;
    if (!service || this.#listening === on) return;
    this.#listening = on;
    for (const type of Object.keys(this.#handlers)) {
      if (on) service.addEventListener(type, this);
      else service.removeEventListener(type, this);
    }
  }
}
