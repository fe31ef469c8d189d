import { createHmac, randomBytes } from 'node:crypto';

export interface IceServerOptions {
  /** TURN URLs to hand out, e.g. `turn:turn.example.com:3478?transport=udp`. */
  turnUrls: readonly string[];
  /** coturn's `static-auth-secret`. Required with TURN URLs: no static password is ever handed out. */
  turnSecret: string | null;
  /** How long minted credentials live, in seconds. */
  turnTtl: number;
  /** STUN URLs to hand out. */
  stunUrls: readonly string[];
}

export interface IceServersAnswer {
  iceServers: Array<{ urls: string[]; username?: string; credential?: string }>;
  ttl: number;
}

/**
 * The TURN REST API rule that coturn checks with `use-auth-secret`:
 * the password is base64(HMAC-SHA1(secret, username)).
 */
export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/**
 * A fresh answer for `GET /ice-servers`: STUN entries as configured, and TURN entries with a username of
 * `<unix expiry>:<id>`, so each answer carries its own short-lived credential. The id is the signed-in user's
 * (`sub`) when there is one, so coturn's logs name the user; otherwise a random one.
 */
export function mintIceServers(options: IceServerOptions, nowMs = Date.now(), userId: string | null = null): IceServersAnswer {
  const iceServers: IceServersAnswer['iceServers'] = [];
  if (options.stunUrls.length > 0) iceServers.push({ urls: [...options.stunUrls] });
  if (options.turnUrls.length > 0 && options.turnSecret) {
    const expiry = Math.floor(nowMs / 1000) + options.turnTtl;
    const username = `${expiry}:${userId ?? randomBytes(9).toString('base64url')}`;
    iceServers.push({ urls: [...options.turnUrls], username, credential: turnCredential(options.turnSecret, username) });
  }
  return { iceServers, ttl: options.turnTtl };
}

/**
 * Counts requests per client address in fixed windows. /ice-servers mints a credential for a relay
 * that costs bandwidth, so one client may not mint them in bulk.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** Returns 0 if the request may go ahead, or the seconds to wait before the next one. */
  take(key: string, now = Date.now()): number {
    let window = this.windows.get(key);
    if (!window || now - window.start >= this.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    if (window.count >= this.max) return Math.max(1, Math.ceil((window.start + this.windowMs - now) / 1000));
    window.count++;
    return 0;
  }

  /** Forgets windows that have ended, so the map does not grow with every address ever seen. */
  prune(now = Date.now()): void {
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
  }
}

export const TURN_SCHEME = /^turns?:/i;
export const STUN_SCHEME = /^stuns?:/i;
