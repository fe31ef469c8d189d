import { RtcError } from './rtc-error.js';
import type { AccessTokenFactory } from '../signaling/access-token.js';

const SCHEMES = /^(stun|stuns|turn|turns):/i;

/**
 * Checks an RTCIceServer list before it reaches RTCPeerConnection, whose own errors name no field.
 * Throws `bad-ice-config` with a message that says what to fix.
 */
export function validateIceServers(servers: unknown): RTCIceServer[] {
  if (!Array.isArray(servers)) {
    throw new RtcError('bad-ice-config', 'iceServers must be an array of RTCIceServer objects, such as [{ urls: "stun:stun.example.com" }].');
  }
  return servers.map((server, index) => {
    const where = `iceServers[${index}]`;
    if (!server || typeof server !== 'object') throw new RtcError('bad-ice-config', `${where} must be an object with "urls".`);
    const entry = server as Record<string, unknown>;
    if ('credentials' in entry && !('credential' in entry)) {
      // The seed warns about exactly this typo: the browser ignores "credentials" and TURN then fails silently.
      throw new RtcError('bad-ice-config', `${where} has "credentials"; the RTCIceServer field is "credential" (singular).`);
    }
    const urls = typeof entry.urls === 'string' ? [entry.urls] : entry.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string')) {
      throw new RtcError('bad-ice-config', `${where} needs "urls": a URL string or an array of them.`);
    }
    for (const url of urls as string[]) {
      if (!SCHEMES.test(url)) {
        throw new RtcError('bad-ice-config', `${where} has the URL "${url}"; ICE server URLs start with stun:, stuns:, turn: or turns:.`);
      }
      if (/^turns?:/i.test(url) && (typeof entry.username !== 'string' || typeof entry.credential !== 'string')) {
        throw new RtcError('bad-ice-config', `${where} is a TURN server and needs "username" and "credential" strings.`);
      }
    }
    return entry as unknown as RTCIceServer;
  });
}

/**
 * Fetches `{ iceServers }` from the hub's /ice-servers (or any URL that answers the same), fresh for each
 * call; with the access token of `tokens`, where the call has a source of one.
 */
export async function fetchIceServers(url: string, tokens?: AccessTokenFactory | null): Promise<RTCIceServer[]> {
  let body: unknown;
  const token = await tokens?.();
  try {
    // The hub hands out TURN credentials only to signed-in users, when it has auth on (contract section 8).
    const response = await fetch(url, { credentials: 'include', cache: 'no-store', headers: token ? { Authorization: `Bearer ${token}` } : undefined });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (cause) {
    throw new RtcError(
      'bad-ice-config',
      `The ICE servers could not be fetched from ${url} (${(cause as Error).message}). Check ice-servers-url and that the hub allows this page's origin.`,
      { cause },
    );
  }
  return validateIceServers((body as { iceServers?: unknown } | null)?.iceServers);
}
