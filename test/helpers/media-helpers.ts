// Helpers for the call-control, stats and autoplay tests: media the tests can recognise at the far end,
// and what the far end's own getStats() says it receives.
import type { CallVariant, RtcCall, RtcErrorEvent } from '../../src/index.js';
import { createCall, newChannel, waitForDecodedFrames, waitForState } from './call-helpers.js';

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
  // 'ended' does not fire for a track the page stops itself, so stop() stops the painting too.
  const track = stream.getVideoTracks()[0]!;
  const stop = track.stop;
  track.stop = () => {
    clearInterval(timer);
    stop.call(track);
  };
  return stream;
}

/** The `<video>` that shows the peer: `<rtc-remote-video>`'s inside the call, or the `then` variant's own. */
export function remoteVideo(call: RtcCall): HTMLVideoElement {
  const el = call.querySelector('rtc-remote-video') ?? call.shadowRoot!.querySelector('[part~="remote-video"]');
  const video = el instanceof HTMLVideoElement ? el : el?.shadowRoot?.querySelector('video');
  if (!video) throw new Error('no remote <video> in the call');
  return video;
}

/** The `<video>` that shows the peer, once rendered (the then variant's videos come with its chunk). */
export async function shownRemoteVideo(call: RtcCall, timeoutMs = 8_000): Promise<HTMLVideoElement> {
  await until(() => {
    try {
      return !!remoteVideo(call);
    } catch {
      return false;
    }
  }, 'the remote <video>', timeoutMs);
  return remoteVideo(call);
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

/** Two calls in one channel on the test hub, connected, with video decoded on both sides. */
export async function connectedPair(variant: CallVariant, withChildren = true, prefix = 'pair'): Promise<[RtcCall, RtcCall]> {
  const channel = newChannel(`${prefix}-${variant}`);
  const a = createCall(variant, channel, { withChildren });
  const b = createCall(variant, channel, { withChildren });
  await a.start();
  await b.start();
  await a.call();
  await waitForState(b, 'connected');
  await waitForDecodedFrames(a, 5);
  await waitForDecodedFrames(b, 5);
  return [a, b];
}

/** Resolves when the call's signaling link reports `state`, or rejects after `timeoutMs`. */
export function waitForSignaling(call: RtcCall, state: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no rtc-signaling-state '${state}' within ${timeoutMs} ms`)), timeoutMs);
    call.addEventListener('rtc-signaling-state', function onState(event) {
      if (event.detail.state !== state) return;
      clearTimeout(timer);
      call.removeEventListener('rtc-signaling-state', onState);
      resolve();
    });
  });
}

/** The next rtc-error from `target`, or a rejection after `timeoutMs`. */
export function nextError(target: EventTarget, timeoutMs: number): Promise<RtcErrorEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no rtc-error within ${timeoutMs} ms`)), timeoutMs);
    target.addEventListener(
      'rtc-error',
      (event) => {
        clearTimeout(timer);
        resolve(event as RtcErrorEvent);
      },
      { once: true },
    );
  });
}
