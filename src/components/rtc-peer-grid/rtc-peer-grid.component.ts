import { ContextConsumer } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { ServiceSubscriptionController } from '../../controllers/service-subscription-controller.js';
import { RtcErrorEvent } from '../../events/rtc-error.js';
import { RtcElement } from '../../internal/rtc-element.js';
import { LocalizeController } from '../../localize/localize-controller.js';
import type { Strings } from '../../localize/strings.js';
import { rtcServiceContext } from '../../services/rtc/context.js';
import type { RtcService } from '../../services/rtc/rtc-service.js';
import { peerTile, tileStyles } from '../call-screen/peer-tile.js';
import { quality, qualityStyles } from '../call-screen/quality.js';
import type { ScreenPeer } from '../call-screen/types.js';
import { fallbackService } from '../service-lookup.js';
import { styles } from './rtc-peer-grid.styles.js';

/**
 * @summary A tile for every peer of the surrounding call, added and removed as peers come and go.
 *
 * Each tile holds the peer's `<rtc-remote-video peer>` (its `<video>` in an open shadow root), the
 * peer's name, a badge while its microphone is off, and a quality indicator. The grid rearranges for
 * one to six peers, and for narrow boxes; it fills the box it is given. Its language is its `lang`,
 * else the nearest `lang` up the page.
 *
 * @event {RtcErrorEvent} rtc-error - The strings of the page's language could not load (`load-failed`); the tiles show English.
 *
 * @csspart grid - The grid of tiles; `data-count` is the number of peers.
 * @csspart tile - One peer's tile; `data-peer` is its id, `data-state` its connection state.
 * @csspart name - The peer's name over the video.
 * @csspart muted-badge - The badge beside the name while the peer's microphone is off.
 * @csspart quality - The quality indicator; `data-level` is `good`, `fair` or `poor`.
 *
 * @cssproperty [--rtc-call-gap=0.75rem] - Space between the tiles.
 * @cssproperty [--rtc-call-radius=12px] - The tiles' corner radius.
 * @cssproperty [--rtc-call-stage=#000] - A tile's background while there is no video.
 * @cssproperty [--rtc-call-scrim=#000a] - Behind the name and the quality indicator, over the video.
 * @cssproperty [--rtc-peer-grid-tile-min-height=6rem] - The least height of a tile.
 */
export default class RtcPeerGrid extends RtcElement {
  static override styles = [tileStyles, qualityStyles, styles];
  // Declared here rather than with @property/@state: the decorator module costs bundle bytes (see docs/bundles.md).
  static override properties = { service: { attribute: false }, strings: { attribute: false } };

  /** The call's service; taken from the surrounding `<rtc-call>`, or the page's default. */
  service?: RtcService;

  /** Your own words for any of the strings, over the language's table. */
  strings: Partial<Strings> | null = null;

  readonly #consumer = new ContextConsumer(this, {
    context: rtcServiceContext,
    subscribe: true,
    callback: (service) => (this.service = service),
  });

  readonly #localize = new LocalizeController(this, { onError: (error) => this.dispatchEvent(new RtcErrorEvent(error)) });
  // Any change of a peer (came, went, state, name, mute, stats) is a render.
  readonly #subscription = new ServiceSubscriptionController(this, { peerschange: () => {} });

  override connectedCallback(): void {
    super.connectedCallback();
    this.service ??= fallbackService(this);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('service')) this.#subscription.setService(this.service);
  }

  protected override render() {
    const peers = (this.service?.peers ?? []) as readonly ScreenPeer[];
    // Keyed by id: a peer's tile, and its <video>, stay as they are while others come and go.
    return html`<div part="grid" class="grid" dir=${this.#localize.dir} data-count=${peers.length}>
      ${repeat(
        peers,
        (p) => p.id,
        (p) => peerTile(p, this.#localize, undefined, quality),
      )}
    </div>`;
  }
}
