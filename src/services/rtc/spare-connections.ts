/**
 * Connections made ahead of need, each with our media on it already. Making an RTCPeerConnection and
 * adding its tracks takes 5 to 20 ms of a busy page, and it used to sit on the path of every new peer
 * link: before the first offer of a call we place, and before the answer to a peer who joins ours. A
 * spare moves that work to a moment when nobody waits for it.
 *
 * The call says how many it wants at least (`fill`, which never closes one): one for each member of the
 * channel it has no link with yet (RtcService #makeSpares). `drop` closes them all.
 */
/** A spare connection: the promise of it, and the connection once made. */
type Spare = { made: Promise<RTCPeerConnection>; pc?: RTCPeerConnection };

export class SpareConnections {
  /** The spares in the order they were asked for; `pc` once made. */
  #spares: Spare[] = [];

  constructor(
    private readonly make: () => Promise<RTCPeerConnection>,
    private readonly discard: (pc: RTCPeerConnection) => void,
  ) {}

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
    if (made >= 0) return this.#spares.splice(made, 1)[0]!.pc!;
    const next = this.#spares.shift();
    return next ? next.made.then((pc) => (pc.signalingState === 'closed' ? this.take() : pc), () => this.take()) : null;
  }

  /** Makes spares until there are at least `count`. */
  fill(count: number): void {
    while (this.#spares.length < count) {
      const spare: Spare = { made: this.make() };
      spare.made.then((pc) => (spare.pc = pc), () => {});
      this.#spares.push(spare);
    }
  }

  /** Closes every spare, and any still to be made. */
  drop(): void {
    for (const spare of this.#spares.splice(0)) void spare.made.then(this.discard, () => {});
  }
}
