import type { RetryContext } from '@microsoft/signalr';

/** The first retry comes at once; then the delays double from this... */
export const RETRY_BASE_MS = 250;
/** ...up to this cap, so that a hub that comes back is reached again within about 1.5 s. */
export const RETRY_CAP_MS = 1_500;
/** A hub that stays down this long is asked less often: the cap rises to RETRY_SLOW_CAP_MS. */
export const RETRY_SLOW_AFTER_MS = 2 * 60_000;
export const RETRY_SLOW_CAP_MS = 10_000;

/**
 * How the hub link retries after it dropped: at once, then after delays that double from 250 ms up to
 * 1.5 s, each shortened by a random part of up to half (jitter), so that the pages of a restarted hub
 * do not all come back in the same millisecond. It never gives up: a call goes on peer to peer while
 * the hub is away, and must find it again when it returns. After two minutes of failures the cap rises
 * to 10 s, so that a hub that stays down is not hammered by every page left open.
 *
 * SignalR's default (0, 2, 10, 30 s, then give up) puts a returning hub 2 to 30 s away; this puts it
 * at most the cap away.
 */
export function retryDelay({ previousRetryCount, elapsedMilliseconds }: RetryContext, random = Math.random): number {
  if (previousRetryCount === 0) return 0;
  const cap = elapsedMilliseconds >= RETRY_SLOW_AFTER_MS ? RETRY_SLOW_CAP_MS : RETRY_CAP_MS;
  return Math.round(Math.min(cap, RETRY_BASE_MS * 2 ** (previousRetryCount - 1)) * (1 - random() / 2));
}
