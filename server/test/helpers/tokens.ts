// Access tokens for tests, minted with jose as an identity provider would.
import { SignJWT, type JWTPayload } from 'jose';
import type { KeyObject } from 'node:crypto';

export interface MintOptions {
  /** Seconds until `exp`; negative for an expired token. Default 3600. Ignored when `claims.exp` is given. */
  expiresIn?: number;
  /** Default HS256. */
  alg?: string;
  /** Leave `exp` out. */
  noExp?: boolean;
}

/** A signed JWT with `claims` (sub, name, channels, iss, aud...), an `iat` of now and an `exp`. */
export async function mint(key: string | KeyObject, claims: JWTPayload & Record<string, unknown>, options: MintOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'HS256', typ: 'JWT' }).setIssuedAt(now);
  if (!options.noExp && claims.exp === undefined) jwt = jwt.setExpirationTime(now + (options.expiresIn ?? 3600));
  return jwt.sign(typeof key === 'string' ? new TextEncoder().encode(key) : key);
}

/** The claims of a token, read without checking it (for asserting what a server minted). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
