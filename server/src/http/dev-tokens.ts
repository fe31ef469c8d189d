import type { AccessTokens } from '../auth/access-tokens.js';
import { queryValue } from './responses.js';

/** The longest user name a dev token takes. */
const MAX_USER_LENGTH = 128;

export type DevTokenAnswer = { status: 200; token: string } | { status: 400; error: string };

/**
 * `GET /dev/token?user=NAME[&channels=a,b]` (product.md section 8): a one-hour HS256 token whose `sub` and
 * `name` are NAME, and whose `channels` are the comma list given, or `["*"]`. Only on a loopback host: the
 * options refuse `devTokens` anywhere else.
 */
export async function devToken(tokens: AccessTokens, url: URL): Promise<DevTokenAnswer> {
  const user = queryValue(url, 'user')?.trim() ?? '';
  if (user === '') return { status: 400, error: 'Give the user name: /dev/token?user=NAME.' };
  if (user.length > MAX_USER_LENGTH || /\p{Cc}/u.test(user)) {
    return { status: 400, error: `The user name must be at most ${MAX_USER_LENGTH} characters, with no control characters.` };
  }
  const list = queryValue(url, 'channels');
  const channels = list === null ? ['*'] : list.split(',').map((c) => c.trim()).filter(Boolean);
  return { status: 200, token: await tokens.signDevToken(user, channels) };
}
