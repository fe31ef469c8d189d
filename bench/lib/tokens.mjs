// Access tokens for the benchmarks' simulated users, as an identity provider would mint them: HS256, one user
// per peer, allowed in every channel, valid for an hour. The hub under test verifies them with the same secret.
import { SignJWT } from 'jose';

/** A secret for one run; the hub gets it in AUTH_SECRET, the generators in their connect command. */
export const BENCH_AUTH_SECRET = 'rtc-kit-bench-secret-not-for-production';

/** `count` tokens, for users `${prefix}-0` and on. */
export async function mintTokens(secret, count, prefix) {
  const key = new TextEncoder().encode(secret);
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      new SignJWT({ name: `Bench user ${i}`, channels: ['*'] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(`${prefix}-${i}`)
        .setIssuedAt(now)
        .setExpirationTime(now + 3600)
        .sign(key),
    ),
  );
}
