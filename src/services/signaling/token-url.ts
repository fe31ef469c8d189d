import { RtcError } from '../rtc/rtc-error.js';

/**
 * An access token from `token-url`: a GET with the page's cookies that answers `{"token": "..."}`.
 * Loaded on first use, by calls that have a `token-url`. Anything else is an `unauthorized` RtcError.
 */
export async function fetchToken(tokenUrl: string): Promise<string> {
  let token: unknown;
  try {
    const response = await fetch(tokenUrl, { credentials: 'include', cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    token = (await response.json())?.token;
  } catch (cause) {
    throw new RtcError('unauthorized', `No access token could be had from ${tokenUrl} (${(cause as Error).message}).`, { cause });
  }
  if (typeof token !== 'string' || !token) throw new RtcError('unauthorized', `${tokenUrl} answered without a "token".`);
  return token;
}
