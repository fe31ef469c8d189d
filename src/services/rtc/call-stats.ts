/** A connected call's quality over the last interval, from `RTCPeerConnection.getStats()`. */
export interface CallStats {
  /** Round-trip time to the peer in milliseconds, from the selected candidate pair; null until measured. */
  rtt: number | null;
  /** Bits per second received and sent over the transport (media and its overhead). */
  bitrateIn: number;
  bitrateOut: number;
  /** The share of incoming RTP packets lost in the interval, 0 to 1. */
  packetLoss: number;
  /** Frames per second decoded from the peer's video. */
  fps: number;
  /** The size of the peer's video as received. */
  width: number;
  height: number;
  /** How the call reaches the peer: the local candidate type of the selected pair (`host`, `srflx`, `prflx` or `relay`). */
  candidateType: RTCIceCandidateType | null;
}

// getStats() entries are loosely typed dictionaries; these are the fields read here.
type Entry = Record<string, any>;

/** The counters of one report that the quality is computed from. */
function totals(report: RTCStatsReport) {
  const t = { bin: 0, bout: 0, lost: 0, got: 0, frames: 0, width: 0, height: 0, time: 0, rtt: null as number | null, type: null as RTCIceCandidateType | null };
  report.forEach((s: Entry) => {
    t.time = Math.max(t.time, s.timestamp);
    if (s.type === 'transport') {
      // The transport outlives an ICE restart's new pair, so its byte counts never run backwards.
      t.bin += s.bytesReceived ?? 0;
      t.bout += s.bytesSent ?? 0;
      const pair: Entry | undefined = report.get(s.selectedCandidatePairId);
      if (pair) {
        if (pair.currentRoundTripTime !== undefined) t.rtt = pair.currentRoundTripTime * 1000;
        t.type = report.get(pair.localCandidateId)?.candidateType ?? null;
      }
    } else if (s.type === 'inbound-rtp') {
      t.lost += s.packetsLost ?? 0;
      t.got += s.packetsReceived ?? 0;
      if (s.kind === 'video') {
        t.frames += s.framesDecoded ?? 0;
        t.width = s.frameWidth ?? t.width;
        t.height = s.frameHeight ?? t.height;
      }
    }
  });
  return t;
}

/** The quality between two getStats() reports of one connection, `previous` taken an interval before `report`. */
export function callStats(report: RTCStatsReport, previous: RTCStatsReport): CallStats {
  const now = totals(report);
  const then = totals(previous);
  const seconds = Math.max(now.time - then.time, 1) / 1000;
  const rate = (a: number, b: number) => Math.max(0, a - b) / seconds;
  const lost = Math.max(0, now.lost - then.lost);
  const packets = lost + Math.max(0, now.got - then.got);
  return {
    rtt: now.rtt,
    bitrateIn: Math.round(rate(now.bin, then.bin) * 8),
    bitrateOut: Math.round(rate(now.bout, then.bout) * 8),
    packetLoss: packets ? lost / packets : 0,
    fps: Math.round(rate(now.frames, then.frames)),
    width: now.width,
    height: now.height,
    candidateType: now.type,
  };
}
