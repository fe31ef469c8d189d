import type { ReactiveController } from 'lit';
import { LazyPart } from '../../internal/lazy-part.js';
import { LocalizeController, type LocalizeHost } from '../../localize/localize-controller.js';
import type { RtcError } from '../../services/rtc/rtc-error.js';
import { CallAnnouncer } from './announcer.js';
import { callScreen, showsControls, type ScreenVideos } from './call-screen.js';
import type { Quality } from './quality.js';
import type { RingTone } from './ring-tone.js';
import type { CallScreenActions, CallScreenService } from './types.js';

/**
 * Everything an element needs to show the call screen: its language (a LocalizeController), the live
 * region's announcements, the devices menu's open state, and the chunks loaded on first use (the
 * devices menu, `<rtc-peer-grid>` once a second peer is there, and the quality indicator once a peer's
 * quality is known). A chunk or a language that fails
 * to load is passed to `onError`, for the host's `rtc-error`.
 *
 * While a call rings, in (`ringing`) or out (`calling`), it plays the ring tone (a chunk), and stops it
 * in every other state and when the host leaves the page.
 *
 * It also keeps keyboard focus in the screen: when the control that had it goes away (Start once the
 * camera is on, Call once connected, Hang up once ended), the first button of what replaced it gets it.
 */
export class CallScreenController implements ReactiveController {
  readonly localize: LocalizeController;
  readonly announcer = new CallAnnouncer();
  /** The devices menu is open. */
  menu = false;
  readonly #host: LocalizeHost;
  readonly #deviceMenu: LazyPart<typeof import('./device-menu.js').deviceMenu>;
  readonly #grid: LazyPart<unknown>;
  readonly #ringTone: LazyPart<RingTone>;
  readonly #quality: LazyPart<Quality>;
  #focused = false;

  constructor(host: LocalizeHost, onError: (error: RtcError) => void) {
    this.#host = host;
    host.addController(this);
    this.localize = new LocalizeController(host, { onError });
    this.#deviceMenu = new LazyPart(host, 'the devices menu', () => import('./device-menu.js').then((m) => m.deviceMenu), onError);
    this.#grid = new LazyPart(host, 'the peer grid', () => import('../rtc-peer-grid/rtc-peer-grid.js'), onError);
    this.#ringTone = new LazyPart(host, 'the ring tone', () => import('./ring-tone.js').then((m) => new m.RingTone()), onError);
    // The quality indicator, with its styles added to the host's, once a peer's quality is known.
    this.#quality = new LazyPart(
      host,
      'the quality indicator',
      () =>
        import('./quality.js').then((m) => {
          const root = host.shadowRoot;
          if (root && m.qualityStyles.styleSheet) root.adoptedStyleSheets = [...root.adoptedStyleSheets, m.qualityStyles.styleSheet];
          return m.quality;
        }),
      onError,
    );
  }

  hostDisconnected(): void {
    this.#ringTone.loaded?.stop();
  }

  hostUpdate(): void {
    this.#focused = !!this.#host.shadowRoot?.activeElement;
  }

  hostUpdated(): void {
    const root = this.#host.shadowRoot;
    if (this.#focused && !root?.activeElement) root?.querySelector<HTMLElement>('.panel button,.bar button')?.focus();
  }

  /**
   * The call screen for `service`; `actions` are the host's (the menu's opening is handled here).
   * `videos` draws the peers and the self-view instead of the elements (the `then` variant's);
   * `startable` false disables Start (no channel yet).
   */
  render(service: CallScreenService, actions: Omit<CallScreenActions, 'menu'>, videos: ScreenVideos | null = null, startable = true) {
    const l = this.localize;
    // The menu lives in the control bar: it closes with it.
    if (!showsControls(service.state)) this.menu = false;
    if (service.peers.length > 1 && !videos) this.#grid.get();
    const ring = service.state === 'ringing' ? 'incoming' : service.state === 'calling' ? 'outgoing' : null;
    if (ring) this.#ringTone.get()?.start(ring);
    else this.#ringTone.loaded?.stop();
    return callScreen(
      {
        service,
        menu: this.menu,
        deviceMenu: this.menu ? this.#deviceMenu.get() : null,
        announcement: this.announcer.update(service, l),
        duration: this.announcer.duration,
        strings: this.#host.strings,
        videos,
        startable,
        quality: service.peers.some((p) => p.stats) ? this.#quality.get() : this.#quality.loaded,
      },
      {
        ...actions,
        menu: (open) => {
          this.menu = open;
          this.#host.requestUpdate();
        },
      },
      l,
    );
  }
}
