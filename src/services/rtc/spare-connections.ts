/**
 * Connections made ahead of need, each with our media on it already. Making an RTCPeerConnection and
 * adding its tracks takes 5 to 20 ms of a busy page, and it used to sit on the path of every new peer
 * link: before the first offer of a call we place, and before the answer to a peer who joins ours. A
 * spare moves that work to a moment when nobody waits for it.
 *
 * The call says how many it wants (`fill`): while `ready`, one for each member a call would reach; in a
 * call, one for whoever joins next, made when the page is idle so that it never competes with a call
 * that is still coming together.
 */
export class SpareConnections {
  /** The spares in the order they were asked for; `pc` once made. */
  #spares: Array<{ made: Promise<RTCPeerConnection>; pc: RTCPeerConnection | null }> = [];
  /** Cancels the idle-time fill that is due, if one is. */
  #cancelIdle: (() => void) | null = null;
  readonly #make: () => Promise<RTCPeerConnection>;
  readonly #discard: (pc: RTCPeerConnection) => void;

  constructor(make: () => Promise<RTCPeerConnection>, discard: (pc: RTCPeerConnection) => void) {
    this.#make = make;
    this.#discard = discard;
  }

  get size(): number {
    return this.#spares.length;
  }

  /**
   * A spare connection: one already made at once, so that its link can start on it in the same task;
   * else one still being made, as a promise; else null. A closed one is thrown away.
   */
  take(): RTCPeerConnection | Promise<RTCPeerConnection | null> | null {
    // Each is taken off the list before any await: links made together must not get the same one.
    this.#spares = this.#spares.filter(({ pc }) => pc?.signalingState !== 'closed');
    const made = this.#spares.findIndex(({ pc }) => pc);
    if (made >= 0) return this.#spares.splice(made, 1)[0]!.pc;
    const next = this.#spares.shift();
    return next ? next.made.then((pc) => (pc.signalingState === 'closed' ? this.take() : pc), () => this.take()) : null;
  }

  /** Makes spares until there are `count`. */
  fill(count: number): void {
    this.#stopIdle();
    while (this.#spares.length < count) {
      const spare = { made: this.#make(), pc: null as RTCPeerConnection | null };
      spare.made.then((pc) => (spare.pc = pc), () => {});
      this.#spares.push(spare);
    }
  }

  /** As `fill`, once the page has a moment to spare (at the latest a second from now). */
  fillWhenIdle(count: number): void {
    if (this.#spares.length >= count || this.#cancelIdle) return;
    const fill = () => {
      this.#cancelIdle = null;
      this.fill(count);
    };
    // Safari has no requestIdleCallback: a second later, the call has come together or failed.
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback(fill, { timeout: 1_000 });
      this.#cancelIdle = () => cancelIdleCallback(id);
    } else {
      const id = setTimeout(fill, 1_000);
      this.#cancelIdle = () => clearTimeout(id);
    }
  }

  /** Closes every spare, and any still to be made. */
  drop(): void {
    this.#stopIdle();
    for (const spare of this.#spares.splice(0)) void spare.made.then(this.#discard, () => {});
  }

  #stopIdle(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = null;
  }
}
