import type { RecoveryHost } from './ice-recovery.js';
import { RtcError } from './rtc-error.js';

/** How many ICE restarts a call tries before it gives up with `ice-failed`. */
export const MAX_ICE_RESTARTS = 5;
/** How long one ICE restart may take before the next. */
export const RESTART_TIMEOUT_MS = 6_000;

/**
 * Restarts ICE on a connection whose path broke, with freshly fetched ICE servers (so fresh TURN
 * credentials), a bounded number of times, in state `reconnecting`. `restartIce()` makes the connection
 * renegotiate, which perfect negotiation carries out. Loaded the first time a path breaks (IceRecovery):
 * most calls never need it.
 */
export class IceRestarter {
  #restarts = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  readonly #pc: RTCPeerConnection;
  readonly #host: RecoveryHost;

  constructor(pc: RTCPeerConnection, host: RecoveryHost) {
    this.#pc = pc;
    this.#host = host;
  }

  /** The path is back: the next break starts counting again. */
  reset(): void {
    this.#clear();
    this.#restarts = 0;
  }

  dispose(): void {
    this.#disposed = true;
    this.#clear();
  }

  async restart(): Promise<void> {
    const pc = this.#pc;
    const host = this.#host;
    if (this.#disposed || pc.connectionState === 'connected') return;
    if (this.#restarts >= MAX_ICE_RESTARTS) {
      host.fail(new RtcError('ice-failed', `The connection to the peer was lost and ${MAX_ICE_RESTARTS} ICE restarts did not bring it back.`));
      return;
    }
    this.#restarts++;
    if (host.state === 'connected') host.setState('reconnecting');
    this.#clear();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.restart();
    }, RESTART_TIMEOUT_MS);
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), ...(await host.rtcConfiguration()) });
    } catch {
      // Keep the old servers if fresh ones cannot be had; the restart may still work.
    }
    if (!this.#disposed) pc.restartIce();
  }

  #clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
