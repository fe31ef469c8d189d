// Which path a call ended up on: loaded when a page asks (RtcService.selectedCandidatePair()).

/** The candidate types of the pair ICE selected: `host`, `srflx`, `prflx` or `relay`. */
export interface SelectedCandidatePair {
  local: RTCIceCandidateType;
  remote: RTCIceCandidateType;
  protocol: string;
}

export async function selectedCandidatePair(pc: RTCPeerConnection): Promise<SelectedCandidatePair | null> {
  const stats = await pc.getStats();
  let pairId: string | undefined;
  stats.forEach((report) => {
    if (report.type === 'transport' && report.selectedCandidatePairId) pairId = report.selectedCandidatePairId;
  });
  const pair = pairId ? stats.get(pairId) : undefined;
  if (!pair) return null;
  const local = stats.get(pair.localCandidateId);
  const remote = stats.get(pair.remoteCandidateId);
  if (!local || !remote) return null;
  return { local: local.candidateType, remote: remote.candidateType, protocol: local.protocol };
}
