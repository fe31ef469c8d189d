/**
 * What the negotiation policy uses of an RTCPeerConnection; a fake in unit tests, the real one in calls.
 */
export interface NegotiationTarget {
  readonly signalingState: RTCSignalingState;
  readonly remoteDescription: RTCSessionDescriptionInit | null;
  readonly localDescription: RTCSessionDescriptionInit | null;
  createOffer(): Promise<RTCSessionDescriptionInit>;
  createAnswer(): Promise<RTCSessionDescriptionInit>;
  setLocalDescription(description?: RTCLocalSessionDescriptionInit): Promise<void>;
  setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void>;
  addIceCandidate(candidate: RTCIceCandidateInit): Promise<void>;
}

/**
 * Perfect negotiation (W3C WebRTC, "Perfect negotiation example"), for one peer connection, written once
 * for both call engines. Each method returns a promise, so an engine can use it with `await` or `.then()`.
 *
 * Every step runs on one queue: our offers and the peer's descriptions and candidates are applied one at
 * a time, in the order they were asked for. So an offer of ours is never half made when the peer's offer
 * is applied (the W3C example needs `makingOffer` for that window; the queue has none), and a candidate
 * never overtakes its description.
 *
 * - Offers that cross (glare): the polite side rolls its own back and answers; the impolite side ignores
 *   the peer's. Both sides agree on who is polite (`polite()` compares the same two values on each side).
 *   Where the crossed offer was the connection's first, the polite side answers from a fresh connection
 *   instead (`fresh()`): Chromium 156 can leave a connection whose first offer was rolled back while it
 *   gathered unable to gather a candidate ever again, ICE restarts included. Nothing is lost: the first
 *   connection never connected, and its candidates match no answer.
 * - Candidates that come before the remote description wait for it, and are never dropped. A candidate
 *   the browser refuses (one of an offer we ignored, or of an ICE generation a restart replaced) is
 *   dropped, rightly: the call goes on with the candidates that match.
 * - An answer that comes when we have no offer out (a late repeat, an answer to an offer we rolled back)
 *   is stale, and ignored.
 * - Our offer or answer is handed out to be sent as soon as it is made, while the browser applies it
 *   (setLocalDescription takes as long as the rest of the step): the peer starts on it that much sooner.
 *   The next step still waits until it is applied. Should applying it fail, `failed` hears of it.
 */
export class Negotiation {
  #queue: Promise<unknown> = Promise.resolve();
  /** Steps asked for and not yet done. */
  #steps = 0;
  #pending: RTCIceCandidateInit[] = [];
  #pc: NegotiationTarget;
  readonly #polite: (remote: RTCSessionDescriptionInit) => boolean;
  readonly #failed: (cause: unknown) => void;
  readonly #adjust: (sdp: string) => string;
  readonly #fresh: (() => Promise<NegotiationTarget>) | undefined;

  constructor(
    pc: NegotiationTarget,
    /** Whether we yield when offers cross, given the peer's offer. */
    polite: (remote: RTCSessionDescriptionInit) => boolean,
    /** Applying a description of ours that was already handed out failed. */
    failed: (cause: unknown) => void,
    /** Adjusts our SDP before it is set and sent (the start bitrate). */
    adjust: (sdp: string) => string = (sdp) => sdp,
    /**
     * Closes the connection and resolves with a new one, with our media and nothing negotiated yet, to
     * answer from when our first offer crossed the peer's. Without it, that offer is rolled back.
     */
    fresh?: () => Promise<NegotiationTarget>,
  ) {
    this.#pc = pc;
    this.#polite = polite;
    this.#failed = failed;
    this.#adjust = adjust;
    this.#fresh = fresh;
  }

  /**
   * Makes our offer, when negotiation is needed, and sets it. Resolves with it, to send; or with null
   * when it is no longer our turn to offer (a description of the peer's came first), as then the browser
   * asks again once it is.
   */
  offer(): Promise<RTCSessionDescriptionInit | null> {
    return this.#describe(() => (this.#pc.signalingState === 'stable' ? this.#pc.createOffer() : null));
  }

  /**
   * Applies a description from the peer. Resolves with our answer to send, or null when there is none.
   * `answering` runs after the peer's offer is set and before our answer is made (to add a data channel
   * that the answer then carries).
   */
  receive(description: RTCSessionDescriptionInit, answering?: () => void): Promise<RTCSessionDescriptionInit | null> {
    return this.#describe(async () => {
      let pc = this.#pc;
      const offer = description.type === 'offer';
      if (!offer && pc.signalingState !== 'have-local-offer') return null;
      if (offer && pc.signalingState !== 'stable') {
        // Glare: our offer is out too. The impolite side keeps its own and ignores this one.
        if (!this.#polite(description)) return null;
        // Our first offer: answered from a fresh connection, not rolled back (see above).
        if (!pc.remoteDescription && this.#fresh) pc = this.#pc = await this.#fresh();
      }
      // Otherwise the polite side's own offer is rolled back by this, implicitly.
      await pc.setRemoteDescription(description);
      for (const candidate of this.#pending.splice(0)) await this.#add(candidate);
      if (!offer) return null;
      answering?.();
      return pc.createAnswer();
    });
  }

  /** Adds a candidate from the peer, now or, before the remote description, once it is set. */
  candidate(candidate: RTCIceCandidateInit): Promise<void> {
    return this.#run(async () => {
      if (this.#pc.remoteDescription) await this.#add(candidate);
      else this.#pending.push(candidate);
    });
  }

  /** Resolves once every step asked for so far is done, our last description applied included. */
  settled(): Promise<void> {
    return this.#queue.then(() => {});
  }

  /** Candidates waiting for the remote description. */
  get pendingCandidates(): number {
    return this.#pending.length;
  }

  #run<T>(step: () => Promise<T>): Promise<T> {
    // With nothing before it, a step starts at once, in the caller's task: the browser starts on it
    // that much sooner. Otherwise it waits its turn.
    const result = this.#steps++ === 0 ? step() : this.#queue.then(step);
    // A failed step is the caller's to handle; the next step still runs.
    this.#queue = result.catch(() => {}).finally(() => this.#steps--);
    return result;
  }

  /**
   * A step that may make a description of ours: it resolves as soon as the description is made, and the
   * queue moves on once the browser has applied it.
   */
  #describe(make: () => Promise<RTCSessionDescriptionInit | null> | RTCSessionDescriptionInit | null): Promise<RTCSessionDescriptionInit | null> {
    return new Promise((resolve, reject) => {
      this.#run(async () => {
        const made = await make();
        if (!made) return resolve(null);
        const { type } = made;
        const sdp = this.#adjust(made.sdp!);
        const applied = this.#pc.setLocalDescription({ type, sdp });
        resolve({ type, sdp });
        await applied.catch(this.#failed);
      }).catch(reject);
    });
  }

  async #add(candidate: RTCIceCandidateInit): Promise<void> {
    await this.#pc.addIceCandidate(candidate).catch(() => {});
  }
}

/**
 * Who yields when offers cross, for a peer that says who it is: the side with the larger call tag. Tags
 * are random per call, so neither side is always the polite one. With a peer that names itself in no
 * signal (the seed's pages), both sides can still agree by comparing the session ids of the two offers.
 */
export function isPolite(mine: string | null | undefined, theirs: string | null | undefined, localSdp?: string, remoteSdp?: string): boolean {
  if (mine && theirs) return mine > theirs;
  const a = sessionId(localSdp);
  const b = sessionId(remoteSdp);
  return a !== null && b !== null ? a > b : true;
}

function sessionId(sdp: string | undefined): bigint | null {
  const match = sdp && /^o=\S+ (\d+) /m.exec(sdp);
  return match ? BigInt(match[1]!) : null;
}
