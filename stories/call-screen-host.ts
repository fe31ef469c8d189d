// <call-screen-host>: the call screen in an element of its own, for stories and tests until it is the
// default content of <rtc-call>. It does what <rtc-call> will do: provide its service through context,
// render again on every service event, and run the controls' actions on the service.
import { ContextProvider } from '@lit/context';
import { css, LitElement, type PropertyValues } from 'lit';
import { CallScreenController } from '../src/components/call-screen/call-screen-controller.js';
import { callScreenStyles } from '../src/components/call-screen/call-screen.styles.js';
import '../src/components/rtc-local-video/rtc-local-video.js';
import '../src/components/rtc-remote-video/rtc-remote-video.js';
import { ServiceSubscriptionController } from '../src/controllers/service-subscription-controller.js';
import { RtcErrorEvent } from '../src/events/rtc-error.js';
import type { Strings } from '../src/localize/strings.js';
import { rtcServiceContext } from '../src/services/rtc/context.js';
import type { FakeCallService } from './fake-call-service.js';

export class CallScreenHost extends LitElement {
  static override styles = [css`:host{display:block;block-size:100%}`, callScreenStyles];
  static override properties = { service: { attribute: false }, strings: { attribute: false } };

  service!: FakeCallService;
  strings: Partial<Strings> | null = null;

  readonly #provider = new ContextProvider(this, { context: rtcServiceContext });
  readonly screen = new CallScreenController(this, (error) => this.dispatchEvent(new RtcErrorEvent(error)));
  readonly #subscription = new ServiceSubscriptionController(this, {
    statechange: () => {},
    peerschange: () => {},
    mediachange: () => {},
    localstream: () => {},
    error: () => {},
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) {
      this.#provider.setValue(this.service);
      this.#subscription.setService(this.service);
    }
  }

  protected override render() {
    const s = this.service;
    const run = (action: () => Promise<void>) => () => void action().catch(() => {});
    return this.screen.render(s, {
      start: run(() => s.start()),
      call: run(() => s.call()),
      hangup: run(() => s.hangup()),
      setMuted: (kind, muted) => run(() => s.setMuted(kind, muted))(),
      shareScreen: (on) => run(() => (on ? s.shareScreen() : s.stopScreenShare()))(),
      selectDevice: (kind, id) => run(() => s.selectDevice(kind, id))(),
      accept: run(() => s.accept()),
      decline: run(() => s.decline()),
      cancel: run(() => s.cancel()),
    });
  }
}

customElements.define('call-screen-host', CallScreenHost);

declare global {
  interface HTMLElementTagNameMap {
    'call-screen-host': CallScreenHost;
  }
}
