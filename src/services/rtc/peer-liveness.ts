/** How long a side watches for the peer's packets after the hub says the peer left. */
export const LEAVE_CHECK_MS = 2_000;

/** Every byte that reached us on `pc`'s transports: media, RTCP and ICE consent checks alike. */
async function bytesReceived(pc: RTCPeerConnection): Promise<number> {
  let bytes = 0;
  (await pc.getStats()).forEach((report) => {
    if (report.type === 'transport') bytes += report.bytesReceived ?? 0;
  });
  return bytes;
}

/**
 * Whether the peer is still sending to us on `pc`: connected, and packets arrived within `windowMs`.
 * A closed tab or a dead network stops its packets at once. A peer that lost only its hub (its server
 * died) keeps sending, peer to peer. RTCP and consent checks count, so a receive-only peer counts too.
 */
export async function stillReceiving(pc: RTCPeerConnection | null, windowMs = LEAVE_CHECK_MS): Promise<boolean> {
  if (!pc || pc.connectionState !== 'connected') return false;
  const before = await bytesReceived(pc);
  await new Promise((resolve) => setTimeout(resolve, windowMs));
  return pc.connectionState === 'connected' && (await bytesReceived(pc)) > before;
}
