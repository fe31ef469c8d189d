/**
 * Puts the local tracks on `pc`, each once. Without local media (no camera), it asks for the peer's
 * audio and video anyway, with receive-only transceivers: the call still shows the other side.
 */
export function addLocalMedia(pc: RTCPeerConnection, stream: MediaStream | null): void {
  const sending = new Set(pc.getSenders().map((sender) => sender.track));
  if (stream) {
    for (const track of stream.getTracks()) if (!sending.has(track)) pc.addTrack(track, stream);
  } else if (pc.getTransceivers().length === 0 && pc.signalingState === 'stable') {
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
  }
}
