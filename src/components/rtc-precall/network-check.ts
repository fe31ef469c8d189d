// The network half of the pre-call check: which kinds of ICE candidate this browser gets with the
// hub's ICE servers, and whether a connection through the TURN relay works, tried against itself.
import type { PrecallCheck } from '../../events/rtc-precall-result.js';

/** How long gathering, and the relay connection, may take before they count as failed. */
const TIMEOUT_MS = 10_000;

/** Resolves after `ms`, or with `promise`, whichever is first; `fallback` on time-out. */
function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(resolve, ms, fallback)))]).finally(() => clearTimeout(timer));
}

/** The candidate types (`host`, `srflx`, `relay`) gathered with `iceServers`, once gathering completes. */
export async function gatherCandidateTypes(iceServers: RTCIceServer[]): Promise<Set<string>> {
  const pc = new RTCPeerConnection({ iceServers });
  const types = new Set<string>();
  try {
    // A data channel gives the offer something to gather candidates for, without a device.
    pc.createDataChannel('rtc-kit-precall');
    const complete = new Promise<void>((resolve) => {
      pc.onicecandidate = ({ candidate }) => (candidate ? candidate.type && types.add(candidate.type) : resolve());
    });
    await pc.setLocalDescription();
    await within(complete, TIMEOUT_MS, undefined);
    return types;
  } finally {
    pc.close();
  }
}

/**
 * Connects two local peer connections to each other through the TURN relay only
 * (`iceTransportPolicy: 'relay'`), and resolves true once a data channel opens across them.
 */
export async function relayReachesItself(iceServers: RTCIceServer[]): Promise<boolean> {
  const config: RTCConfiguration = { iceServers, iceTransportPolicy: 'relay' };
  const a = new RTCPeerConnection(config);
  const b = new RTCPeerConnection(config);
  try {
    a.onicecandidate = ({ candidate }) => candidate && b.addIceCandidate(candidate).catch(() => {});
    b.onicecandidate = ({ candidate }) => candidate && a.addIceCandidate(candidate).catch(() => {});
    const channel = a.createDataChannel('rtc-kit-precall');
    const open = new Promise<boolean>((resolve) => {
      channel.onopen = () => resolve(true);
      a.onconnectionstatechange = () => a.connectionState === 'failed' && resolve(false);
    });
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription!);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription!);
    return await within(open, TIMEOUT_MS, false);
  } finally {
    a.close();
    b.close();
  }
}

const urlsOf = (servers: RTCIceServer[]) => servers.flatMap((s) => (typeof s.urls === 'string' ? [s.urls] : s.urls));

/**
 * The network checks with these ICE servers (null: they could not be had). `host` needs no server;
 * `srflx` needs a STUN (or TURN) server; `relay` a TURN server, and then a connection through it.
 */
export async function checkNetwork(iceServers: RTCIceServer[] | null): Promise<{ host: PrecallCheck; srflx: PrecallCheck; relay: PrecallCheck }> {
  const servers = iceServers ?? [];
  const urls = urlsOf(servers);
  const types = await gatherCandidateTypes(servers);
  const found = (type: string, reason: PrecallCheck['reason']): PrecallCheck => (types.has(type) ? { status: 'ok' } : { status: 'failed', reason });
  const unknown: PrecallCheck = { status: 'failed', reason: 'bad-ice-config' };
  const host = found('host', 'no-candidates');
  const srflx = !iceServers ? unknown : urls.some((u) => /^(stuns?|turns?):/i.test(u)) ? found('srflx', 'no-srflx') : { status: 'skipped' as const, reason: 'no-stun-server' as const };
  let relay: PrecallCheck;
  if (!iceServers) relay = unknown;
  else if (!urls.some((u) => /^turns?:/i.test(u))) relay = { status: 'skipped', reason: 'no-turn-server' };
  else if (!types.has('relay')) relay = { status: 'failed', reason: 'no-relay' };
  else relay = (await relayReachesItself(servers)) ? { status: 'ok' } : { status: 'failed', reason: 'relay-failed' };
  return { host, srflx, relay };
}
