import { createPublicKey, randomBytes, webcrypto } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { importSPKI, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { queryValue } from '../http/responses.js';

/** Who a connection belongs to, read from its access token (product.md section 8). */
export interface HubUser {
  /** The token's `sub`: the user id. */
  readonly id: string;
  /** The token's `name`, when it has one. */
  readonly name: string | null;
  /** The token's `exp`, in ms since the epoch: the hub closes the connection then. */
  readonly expiresAt: number;
  /**
   * The token's `channels`: the channels this user may join. An entry that ends in `*` is a prefix, and
   * `"*"` is any channel. Null when the token has no `channels` claim: no channel then, but the ones an
   * accepted invitation grants.
   */
  readonly channels: readonly string[] | null;
}

export interface AccessTokenOptions {
  /** Verifies HS256 tokens. Dev tokens are signed with it too. */
  secret: string | null;
  /** A PEM public key (SPKI): verifies RS256 (RSA), ES256 (EC P-256) or EdDSA (Ed25519) tokens. */
  publicKey: string | null;
  /** Required `iss`, when given. */
  issuer: string | null;
  /** Required `aud`, when given. */
  audience: string | null;
}

/** How long a dev token lives. */
const DEV_TOKEN_LIFETIME_SECONDS = 3600;
/** Tokens longer than this are refused unread: no real access token comes near it. */
const MAX_TOKEN_LENGTH = 8 * 1024;

/**
 * Verifies access tokens with `jose`. The keys are imported once, when the hub starts; a verification
 * is then one HMAC or one signature check, and a JSON parse.
 */
export class AccessTokens {
  private constructor(
    private readonly hmacKey: webcrypto.CryptoKey | null,
    private readonly publicKey: webcrypto.CryptoKey | null,
    private readonly publicAlgorithm: string | null,
    private readonly options: AccessTokenOptions,
    private readonly verifyOptions: JWTVerifyOptions,
  ) {}

  /**
   * Imports the keys. Throws a TypeError with an exact message for a key it cannot use.
   * With neither a secret nor a public key and `devTokens`, a random secret is made for this run.
   */
  static async create(options: AccessTokenOptions): Promise<AccessTokens> {
    let publicKey: webcrypto.CryptoKey | null = null;
    let publicAlgorithm: string | null = null;
    if (options.publicKey !== null) {
      publicAlgorithm = algorithmOf(options.publicKey);
      publicKey = (await importSPKI(options.publicKey, publicAlgorithm)) as webcrypto.CryptoKey;
    }
    const hmacKey =
      options.secret === null
        ? null
        : await webcrypto.subtle.importKey('raw', new TextEncoder().encode(options.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
            'sign',
            'verify',
          ]);
    const algorithms = [...(hmacKey ? ['HS256'] : []), ...(publicAlgorithm ? [publicAlgorithm] : [])];
    const verifyOptions: JWTVerifyOptions = { algorithms, requiredClaims: ['sub', 'exp'] };
    if (options.issuer !== null) verifyOptions.issuer = options.issuer;
    if (options.audience !== null) verifyOptions.audience = options.audience;
    return new AccessTokens(hmacKey, publicKey, publicAlgorithm, options, verifyOptions);
  }

  /** A secret for dev tokens when none is configured: random, and new on every start. */
  static randomSecret(): string {
    return randomBytes(32).toString('base64url');
  }

  /** The user of a valid token, or null for a missing, malformed, forged, expired or foreign one. Never throws. */
  async verify(token: string | null): Promise<HubUser | null> {
    if (!token || token.length > MAX_TOKEN_LENGTH) return null;
    try {
      const { payload } = await jwtVerify(token, (header) => (header.alg === 'HS256' ? this.hmacKey! : this.publicKey!), this.verifyOptions);
      return userOf(payload);
    } catch {
      // jose's errors say why (expired, bad signature, wrong issuer). The client is told nothing more than
      // 401, and the reason is not logged: a flood of bad tokens must not become a flood of log lines.
      return null;
    }
  }

  /** The user of the request's token: `Authorization: Bearer`, else the `access_token` query parameter. */
  verifyRequest(req: IncomingMessage, url: URL): Promise<HubUser | null> {
    return this.verify(tokenOf(req, url));
  }

  /** Whether dev tokens can be signed: they need the HS256 secret. */
  get canSign(): boolean {
    return this.hmacKey !== null;
  }

  /** A one-hour HS256 token for `user` (`sub` and `name`), with the configured issuer and audience. */
  async signDevToken(user: string, channels: readonly string[], nowMs = Date.now()): Promise<string> {
    if (!this.hmacKey) throw new Error('Dev tokens need the HS256 secret.');
    const now = Math.floor(nowMs / 1000);
    let jwt = new SignJWT({ name: user, channels: [...channels] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user)
      .setIssuedAt(now)
      .setExpirationTime(now + DEV_TOKEN_LIFETIME_SECONDS);
    if (this.options.issuer !== null) jwt = jwt.setIssuer(this.options.issuer);
    if (this.options.audience !== null) jwt = jwt.setAudience(this.options.audience);
    return jwt.sign(this.hmacKey);
  }
}

/**
 * Where the official clients put the token (signalr-wire.md G.1): `Authorization: Bearer <token>` on
 * HTTP requests (and on WebSockets from Node 8.x+), the `access_token` query parameter on WebSockets from
 * browsers and on Server-Sent Events.
 */
export function tokenOf(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(header);
    return match ? match[1]! : null;
  }
  return queryValue(url, 'access_token');
}

/** The claims a hub uses, checked: a token whose `sub`, `name` or `channels` has the wrong type is refused. */
function userOf(payload: JWTPayload): HubUser | null {
  const { sub, exp, name, channels } = payload as JWTPayload & { name?: unknown; channels?: unknown };
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number') return null;
  if (name !== undefined && typeof name !== 'string') return null;
  if (channels !== undefined && !(Array.isArray(channels) && channels.every((c) => typeof c === 'string'))) return null;
  return {
    id: sub,
    name: name ?? null,
    expiresAt: exp * 1000,
    channels: (channels as string[] | undefined) ?? null,
  };
}

/** RS256, ES256 or EdDSA, from the key itself: the key decides, never the token's header. */
function algorithmOf(pem: string): string {
  let key: ReturnType<typeof createPublicKey>;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new TypeError('The auth public key is not a PEM public key ("-----BEGIN PUBLIC KEY-----").');
  }
  const type = key.asymmetricKeyType;
  if (type === 'rsa') return 'RS256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new TypeError(
    `The auth public key is ${type === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `a ${type} key`}; ` +
      'rtc-hub verifies RS256 (RSA), ES256 (EC P-256) and EdDSA (Ed25519).',
  );
}
