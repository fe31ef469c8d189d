import { chunk } from '../rtc/rtc-error.js';

/** Gives an access token for the hub: the page's own function, or one built from `token-url`. */
export type AccessTokenFactory = () => string | Promise<string>;

/**
 * Where a call's access token comes from (contract section 8): the page's `accessTokenFactory`, else a
 * GET of `tokenUrl` (token-url.ts); null with neither (an open hub). Asked again on every connect and
 * reconnect, so an expired token is replaced. A token that cannot be had is an `unauthorized` RtcError.
 */
export function accessTokens(tokenUrl: string | null, factory: AccessTokenFactory | null): AccessTokenFactory | null {
  return factory ?? (tokenUrl ? () => chunk('the access token', import('./token-url.js')).then((m) => m.fetchToken(tokenUrl)) : null);
}

/** The `name` claim of a JWT access token, for the name peers see; null without one. Never verified here: the hub does that. */
export function tokenName(token: string | null | undefined): string | null {
  try {
    const { name } = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(token!.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))));
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}
