/** The hub error an invocation past the limit gets (product.md section 8). */
export const RATE_LIMIT_EXCEEDED = 'Rate limit exceeded.';

/**
 * Two refusals further apart than this are two separate runs: a client that went past the limit once and
 * then slowed down is not "staying past it".
 */
const RUN_GAP_MS = 1_000;

export type RateDecision = 'run' | 'refuse' | 'close';

/**
 * The invocation budget of one connection: a token bucket that holds up to `2 × rate` invocations and refills at
 * `rate` per second. Every invocation takes one, whatever its method (an unknown one too). One with none left is
 * refused; a connection whose invocations keep being refused, with no pause of a second, for `closeAfter` ms is to
 * be closed. Four numbers per connection, and no timer.
 */
export class InvocationRateLimit {
  private tokens: number;
  private refilledAt: number;
  /** When the current run of refusals began, and when its last refusal was; 0 outside a run. */
  private refusingSince = 0;
  private lastRefusal = 0;

  constructor(
    private readonly rate: number,
    now: number,
  ) {
    this.tokens = 2 * rate;
    this.refilledAt = now;
  }

  /** Spends one invocation at `now` (ms): run it, refuse it, or close the connection. */
  take(now: number, closeAfter: number): RateDecision {
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(2 * this.rate, this.tokens + (elapsed * this.rate) / 1000);
      this.refilledAt = now;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'run';
    }
    if (this.lastRefusal === 0 || now - this.lastRefusal > RUN_GAP_MS) this.refusingSince = now;
    this.lastRefusal = now;
    return now - this.refusingSince >= closeAfter ? 'close' : 'refuse';
  }
}
