// Helpers for group calls: four people in four browser contexts (this page and three RemotePages), each
// with one <rtc-call>. They run in every page: remote pages reach them as `remote.group`.
import type { RtcCall } from '../../src/index.js';
import { createCall, describeLinks, waitForFrames } from './call-helpers.js';

/**
 * A person in a group call: an <rtc-call> in `channel`, sending a small picture (320x240 at 15 fps), so
 * that four pages on two cores can each encode three streams and decode three.
 */
export function createMember(channel: string, hubUrl?: string): RtcCall {
  const call = createCall('async', channel, { withChildren: false });
  if (hubUrl) call.hubUrl = hubUrl;
  call.service.configure({ media: { audio: true, video: { width: 320, height: 240, frameRate: 15 } } });
  const heard: string[] = [];
  errorsOf.set(call, heard);
  call.addEventListener('rtc-error', (e) => heard.push(`${e.detail.code}: ${e.detail.message}`));
  return call;
}

/** The rtc-error messages each member heard, for failure messages. */
const errorsOf = new WeakMap<RtcCall, string[]>();

/** Resolves once `call` has `count` peers, every one connected. */
export async function waitForPeers(call: RtcCall, count: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(call.peers.length === count && call.peers.every((p) => p.state === 'connected'))) {
    if (Date.now() > deadline) {
      const errors = errorsOf.get(call)?.join(' | ') || 'none';
      throw new Error(`${call.peers.length} peers, not ${count} connected, after ${timeoutMs} ms: ${describeLinks(call)}; rtc-errors: ${errors}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Shows each peer's stream in a small <video> of its own and waits for live frames from every one. Resolves with the peer ids. */
export async function framesFromEveryPeer(call: RtcCall, timeoutMs = 15_000): Promise<string[]> {
  const shown = call.peers.map((peer) => {
    const video = document.createElement('video');
    Object.assign(video, { muted: true, autoplay: true, playsInline: true, srcObject: peer.stream });
    video.style.cssText = 'width: 80px; height: 60px';
    document.body.append(video);
    return video;
  });
  try {
    await Promise.all(shown.map((video) => waitForFrames(video, 3, timeoutMs)));
    return call.peers.map((p) => p.id);
  } finally {
    for (const video of shown) video.remove();
  }
}

/** Each peer's cap on our video to it (maxBitrate), by peer id. */
export function videoCaps(call: RtcCall): Record<string, number | undefined> {
  return Object.fromEntries(
    call.peers.map((peer) => {
      const sender = peer.connection?.getSenders().find((s) => s.track?.kind === 'video');
      return [peer.id, sender?.getParameters().encodings?.[0]?.maxBitrate];
    }),
  );
}
