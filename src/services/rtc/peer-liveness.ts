/**
 * How long a side watches for the peer's packets after the hub says the peer left. Chromium checks the
 * selected path with STUN about every 2.5 s even when no media flows (both sides muted), so a live peer
 * always shows within this window.
 */
export const LEAVE_CHECK_MS = 4_000;

/**
 * Packets, bytes and STUN checks that reached us on the nominated ICE pairs of `pc`; -1 once the peer
 * closed its connection (its DTLS close alert arrived: a closed tab, a hangup), which ends the watch at once.
 */
async function received(pc: RTCPeerConnection): Promise<number> {
  let count = 0;
  (await pc.getStats()).forEach((r) => {
    if (r.type === 'transport' && (r.dtlsState === 'closed' || r.dtlsState === 'failed')) count = -Infinity;
    if (r.type === 'candidate-pair' && r.nominated) count += (r.packetsReceived ?? 0) + (r.bytesReceived ?? 0) + (r.requestsReceived ?? 0) + (r.responsesReceived ?? 0);
  });
  return Math.max(count, -1);
}

/**
 * Whether the peer is still there on `pc`: connected, and something of its arrives within `windowMs`.
 * A closed tab or a dead network stops its packets at once, and a closed connection says so with its
 * DTLS close alert. A peer that lost only its hub (its server died) keeps sending, peer to peer: media,
 * RTCP, and the ICE checks that keep the path open. Polled, so either answer comes as soon as it shows.
 */
export async function stillReceiving(pc: RTCPeerConnection | null, windowMs = LEAVE_CHECK_MS): Promise<boolean> {
  const before = pc ? await received(pc) : -1;
  for (let waited = 0; before >= 0 && pc!.connectionState === 'connected' && waited < windowMs; waited += 250) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const now = await received(pc!);
    if (now < 0) return false;
    if (now > before) return true;
  }
  return false;
}
