import type { PeerState } from './call-state.js';
import type { IceRestarter } from './ice-restart.js';
import { chunk, type RtcError } from './rtc-error.js';
import { watchIce } from './ice-watchdog.js';

/** How long `disconnected` may last before an ICE restart. */
export const DISCONNECTED_GRACE_MS = 3_000;
/**
 * After a local description is set, candidates should start to flow within this time; if none has, an
 * ICE restart gathers again. A backstop: the one case seen, a first offer rolled back in glare, is
 * avoided by answering from a fresh connection (Negotiation), because there no restart ever gathered.
 */
export const NO_CANDIDATE_RESTART_MS = 2_000;

/** What ICE recovery needs of the connection's owner: the peer link. */
export interface RecoveryHost {
  readonly state: PeerState;
  setState(next: PeerState): void;
  fail(error: RtcError): void;
  rtcConfiguration(): Promise<RTCConfiguration>;
  /** Makes and sends an offer now, if the connection is stable (an ICE restart's, after restartIce()). */
  renegotiate(): void;
}

/**
 * Keeps one peer connection's path alive, for either engine. On `failed`, or `disconnected` that
 * lasts, it has ICE restarted (IceRestarter, loaded then). It also runs the ICE watchdog for the first
 * connection, and gathers again when no candidate follows a local description, so a peer link holds one
 * object per peer connection and disposes it with the connection.
 */
export class IceRecovery {
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #restarter: Promise<IceRestarter> | null = null;
  #candidateTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  readonly #unwatch: () => void;
  readonly #host: RecoveryHost;
  readonly #pc: RTCPeerConnection;

  constructor(
    host: RecoveryHost,
    pc: RTCPeerConnection,
  ) {
    this.#host = host;
    this.#pc = pc;
    pc.addEventListener('connectionstatechange', this.#onState);
    this.#unwatch = watchIce(pc, (error) => {
      if (!this.#disposed) host.fail(error);
    });
  }

  /**
   * Call after setting a local description: if no candidate of its own has been gathered soon after,
   * gather again. The check reads the candidates in the current local description, so a late candidate
   * of an earlier one (an offer rolled back in glare) cannot pass for one of this.
   */
  expectCandidates(): void {
    const pc = this.#pc;
    if (this.#candidateTimer) clearTimeout(this.#candidateTimer);
    this.#candidateTimer = setTimeout(() => {
      this.#candidateTimer = null;
      if (this.#disposed || pc.connectionState === 'connected' || pc.localDescription?.sdp.includes('a=candidate:')) return;
      // With relay only and TURN refusing us, gathering again cannot help; the ICE watchdog reports it.
      if (pc.iceGatheringState === 'complete' && pc.getConfiguration().iceTransportPolicy === 'relay') return;
      pc.restartIce();
      // Not left to negotiationneeded alone: fired while an offer of ours was still out, it made no offer,
      // and Chromium does not always fire it again once the answer is in. The offer is made once stable.
      this.#host.renegotiate();
      // Looked at again: a restart that had to wait for the answer, or that gathered nothing, goes again.
      this.expectCandidates();
    }, NO_CANDIDATE_RESTART_MS);
  }

  dispose(): void {
    this.#disposed = true;
    this.#unwatch();
    this.#clearTimers();
    void this.#restarter?.then((r) => r.dispose(), () => {});
    this.#pc.removeEventListener('connectionstatechange', this.#onState);
  }
  readonly #onState = (): void => {
    if (this.#disposed) return;
    const host = this.#host;
    switch (this.#pc.connectionState) {
      case 'connected':
        this.#clearTimers();
        void this.#restarter?.then((r) => r.reset(), () => {});
        if (host.state === 'connecting' || host.state === 'reconnecting') host.setState('connected');
        return;
      case 'disconnected':
        // Often a blip that heals by itself; restart only if it lasts.
        this.#restartTimer ??= setTimeout(() => this.#restart(), DISCONNECTED_GRACE_MS);
        return;
      case 'failed':
        if (host.state === 'connected' || host.state === 'reconnecting') this.#restart();
        return;
    }
  };

  #restart(): void {
    this.#restartTimer = null;
    const host = this.#host;
    this.#restarter ??= chunk('ICE restarts', import('./ice-restart.js')).then((m) => new m.IceRestarter(this.#pc, host));
    this.#restarter.then((r) => r.restart(), (error: RtcError) => host.fail(error));
  }

  #clearTimers(): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    if (this.#candidateTimer) clearTimeout(this.#candidateTimer);
    this.#restartTimer = this.#candidateTimer = null;
  }
}
