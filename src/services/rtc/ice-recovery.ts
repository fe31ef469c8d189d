import type { PeerState } from './call-state.js';
import { RtcError } from './rtc-error.js';
import { watchIce } from './ice-watchdog.js';

/** How many ICE restarts a call tries before it gives up with `ice-failed`. */
export const MAX_ICE_RESTARTS = 5;
/** How long `disconnected` may last before an ICE restart. */
export const DISCONNECTED_GRACE_MS = 3_000;
/** How long one ICE restart may take before the next. */
export const RESTART_TIMEOUT_MS = 6_000;
/**
 * After a local description is set, candidates should start to flow within this time. Chromium can
 * leave a side that rolled its own offer back with nothing to send (toolchain.md); an ICE restart
 * gathers again.
 */
export const NO_CANDIDATE_RESTART_MS = 2_000;

/** What ICE recovery needs of the connection's owner: the peer link. */
export interface RecoveryHost {
  readonly state: PeerState;
  setState(next: PeerState): void;
  fail(error: RtcError): void;
  rtcConfiguration(): Promise<RTCConfiguration>;
}

/**
 * Keeps one peer connection's path alive, for either engine. On `failed`, or `disconnected` that
 * lasts, it restarts ICE with freshly fetched ICE servers (so fresh TURN credentials), a bounded number
 * of times, in state `reconnecting`. `restartIce()` makes the connection renegotiate, which perfect
 * negotiation carries out. It also runs the ICE watchdog for the first connection, so a peer link holds
 * one object per peer connection and disposes it with the connection.
 */
export class IceRecovery {
  private restarts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | null = null;
  private candidateTimer: ReturnType<typeof setTimeout> | null = null;
  private candidatesSent = 0;
  private disposed = false;
  private readonly unwatch: () => void;

  constructor(
    private readonly host: RecoveryHost,
    private readonly pc: RTCPeerConnection,
  ) {
    pc.addEventListener('connectionstatechange', this.onState);
    this.unwatch = watchIce(pc, (error) => {
      if (!this.disposed) host.fail(error);
    });
  }

  /** Call for every local candidate sent to the peer. */
  candidateSent(): void {
    this.candidatesSent++;
  }

  /** Call after setting a local description: no candidate out soon after it means gather again. */
  expectCandidates(): void {
    const before = this.candidatesSent;
    const pc = this.pc;
    if (this.candidateTimer) clearTimeout(this.candidateTimer);
    this.candidateTimer = setTimeout(() => {
      this.candidateTimer = null;
      if (this.disposed || this.candidatesSent !== before || pc.connectionState === 'connected') return;
      // With relay only and TURN refusing us, gathering again cannot help; the ICE watchdog reports it.
      if (pc.iceGatheringState === 'complete' && pc.getConfiguration().iceTransportPolicy === 'relay') return;
      pc.restartIce();
    }, NO_CANDIDATE_RESTART_MS);
  }

  dispose(): void {
    this.disposed = true;
    this.unwatch();
    this.clearTimers();
    this.pc.removeEventListener('connectionstatechange', this.onState);
  }

  private readonly onState = (): void => {
    if (this.disposed) return;
    const host = this.host;
    switch (this.pc.connectionState) {
      case 'connected':
        this.clearTimers();
        this.restarts = 0;
        if (host.state === 'connecting' || host.state === 'reconnecting') host.setState('connected');
        return;
      case 'disconnected':
        // Often a blip that heals by itself; restart only if it lasts.
        this.restartTimer ??= setTimeout(() => void this.restart(), DISCONNECTED_GRACE_MS);
        return;
      case 'failed':
        if (host.state === 'connected' || host.state === 'reconnecting') void this.restart();
        return;
    }
  };

  private async restart(): Promise<void> {
    const { pc, host } = this;
    if (this.disposed || pc.connectionState === 'connected') return;
    if (this.restarts >= MAX_ICE_RESTARTS) {
      host.fail(new RtcError('ice-failed', `The connection to the peer was lost and ${MAX_ICE_RESTARTS} ICE restarts did not bring it back.`));
      return;
    }
    this.restarts++;
    if (host.state === 'connected') host.setState('reconnecting');
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      void this.restart();
    }, RESTART_TIMEOUT_MS);
    try {
      pc.setConfiguration({ ...pc.getConfiguration(), ...(await host.rtcConfiguration()) });
    } catch {
      // Keep the old servers if fresh ones cannot be had; the restart may still work.
    }
    if (!this.disposed) pc.restartIce();
  }

  private clearTimers(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.candidateTimer) clearTimeout(this.candidateTimer);
    this.restartTimer = this.candidateTimer = null;
  }
}
