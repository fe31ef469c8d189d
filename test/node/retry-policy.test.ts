// The hub link's retry delays: back within ~1.5 s of a hub's return, and never hammering one that stays down.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RETRY_CAP_MS, RETRY_SLOW_AFTER_MS, RETRY_SLOW_CAP_MS, retryDelay } from '../../src/services/signaling/retry-policy.js';

const delay = (previousRetryCount: number, elapsedMilliseconds: number, random: number) =>
  retryDelay({ previousRetryCount, elapsedMilliseconds, retryReason: new Error('down') }, () => random);

describe('retryDelay', () => {
  it('retries at once, then after delays that double up to the cap (no jitter drawn)', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 20].map((n) => delay(n, 1_000, 0)), [0, 250, 500, 1000, 1500, 1500, 1500]);
  });

  it('takes up to half of each delay off at random, so pages do not come back in the same millisecond', () => {
    assert.equal(delay(3, 1_000, 0.999999), 500);
    assert.equal(delay(3, 1_000, 0.5), 750);
    for (let i = 0; i < 1000; i++) {
      const ms = retryDelay({ previousRetryCount: 10, elapsedMilliseconds: 5_000, retryReason: new Error() });
      assert.ok(ms >= RETRY_CAP_MS / 2 && ms <= RETRY_CAP_MS, `${ms} ms is within [cap / 2, cap]`);
    }
  });

  it('never gives up, and asks a hub that stays down for two minutes less often', () => {
    assert.equal(delay(100, RETRY_SLOW_AFTER_MS - 1, 0), RETRY_CAP_MS);
    assert.equal(delay(100, RETRY_SLOW_AFTER_MS, 0), RETRY_SLOW_CAP_MS);
    assert.equal(typeof delay(10_000, 3_600_000, 0), 'number');
  });
});
