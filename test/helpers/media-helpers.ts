// Helpers for the call-control, stats and autoplay tests: media the tests can recognise at the far end,
// and what the far end's own getStats() says it receives.
import type { RtcCall } from '../../src/index.js';

/** A live video stream of `width`×`height` filled with `colour`, with a moving square so frames keep coming. */
export function paintedStream(colour: string, width = 320, height = 240): MediaStream {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d')!;
  let tick = 0;
  const paint = () => {
    context.fillStyle = colour;
    context.fillRect(0, 0, width, height);
    context.fillStyle = '#000';
    context.fillRect((tick++ * 4) % width, 0, 8, 8);
  };
  paint();
  const timer = setInterval(paint, 33);
  const stream = canvas.captureStream(30);
  stream.getVideoTracks()[0]!.addEventListener('ended', () => clearInterval(timer));
  return stream;
}

/** The `<video>` that shows the peer: `<rtc-remote-video>`'s inside the call, or the `then` variant's own. */
export function remoteVideo(call: RtcCall): HTMLVideoElement {
  const el = call.querySelector('rtc-remote-video') ?? call.shadowRoot!.querySelector('[part~="remote-video"]');
  const video = el instanceof HTMLVideoElement ? el : el?.shadowRoot?.querySelector('video');
  if (!video) throw new Error('no remote <video> in the call');
  return video;
}

/** What this side's peer connection has received so far, summed over its inbound RTP streams of `kind`. */
export async function received(call: RtcCall, kind: 'audio' | 'video'): Promise<{ frames: number; packets: number }> {
  const stats = await call.service.peerConnection!.getStats();
  let frames = 0;
  let packets = 0;
  stats.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === kind) {
      frames += s.framesDecoded ?? 0;
      packets += s.packetsReceived ?? 0;
    }
  });
  return { frames, packets };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check()` is true, polling; throws with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 8_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The colour of the centre pixel of what `video` shows now, as [r, g, b]. */
export function centrePixel(video: HTMLVideoElement): [number, number, number] {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.drawImage(video, 0, 0);
  const [r, g, b] = context.getImageData(canvas.width >> 1, canvas.height >> 1, 1, 1).data;
  return [r!, g!, b!];
}
