import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RtcService } from '../services/rtc/rtc-service.js';
import type { RtcServiceEventMap, RtcServiceListener } from '../services/rtc/service-events.js';

export type ServiceHandlers = { [K in keyof RtcServiceEventMap]?: RtcServiceListener<K> };

/**
 * Listens to the host's service while the host is connected, and to the new one when the service
 * changes. Every listener it adds, it removes: a removed element leaves nothing on the service.
 */
export class ServiceSubscriptionController implements ReactiveController {
  #service: RtcService | null = null;
  #connected = false;
  #offs: Array<() => void> = [];
  readonly #host: ReactiveControllerHost;
  readonly #handlers: ServiceHandlers;

  constructor(
    host: ReactiveControllerHost,
    handlers: ServiceHandlers,
  ) {
    this.#host = host;
    this.#handlers = handlers;
    host.addController(this);
  }

  /** Follows `service`; call it whenever the host's service may have changed. */
  setService(service: RtcService | null | undefined): void {
    if (this.#service === (service ?? null)) return;
    this.#unsubscribe();
    this.#service = service ?? null;
    if (this.#connected) this.#subscribe();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#subscribe();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe();
  }

  #subscribe(): void {
    const service = this.#service;
    if (!service || this.#offs.length > 0) return;
    for (const [type, handler] of Object.entries(this.#handlers) as Array<[keyof RtcServiceEventMap, RtcServiceListener<never>]>) {
      this.#offs.push(
        service.listen(type, (event) => {
          handler(event as never);
          this.#host.requestUpdate();
        }),
      );
    }
  }

  #unsubscribe(): void {
    for (const off of this.#offs.splice(0)) off();
  }
}
