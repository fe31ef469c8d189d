// Helpers for browser tests that place real calls through the real hub.
import type { RtcCall } from '../../src/index.js';
import { RtcService, type CallState, type CallVariant } from '../../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';

let channelCounter = 0;
/** A channel name no other test uses. */
export function newChannel(prefix = 'call'): string {
  return `${prefix}-${Date.now().toString(36)}-${++channelCounter}`;
}

/** A `<rtc-call>` with its own service, in the page, with `<rtc-local-video>` and `<rtc-remote-video>` inside. */
export function createCall(variant: CallVariant, channel: string, options: { withChildren?: boolean } = {}): RtcCall {
  const call = document.createElement('rtc-call');
  call.hubUrl = `${hubUrl}/messagehub`;
  call.channel = channel;
  call.variant = variant;
  call.service = new RtcService();
  // Small, side by side, so every video stays inside the 800×600 viewport: Chromium does not present
  // frames of a video that is off screen, and requestVideoFrameCallback would wait for nothing.
  call.style.cssText = 'display: inline-block; vertical-align: top; width: 180px;';
  if (options.withChildren ?? true) {
    call.append(document.createElement('rtc-local-video'), document.createElement('rtc-remote-video'));
  }
  document.body.append(call);
  return call;
}

/** Resolves when `call.state` is `state`, or rejects after `timeoutMs`. */
export function waitForState(call: RtcCall, state: CallState, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (call.state === state) return resolve();
    const timer = setTimeout(() => {
      call.removeEventListener('rtc-state-change', onChange);
      const error = call.error ? ` (${call.error.code}: ${call.error.message})` : '';
      reject(new Error(`state is '${call.state}'${error}, not '${state}', after ${timeoutMs} ms`));
    }, timeoutMs);
    const onChange = () => {
      if (call.state !== state) return;
      clearTimeout(timer);
      call.removeEventListener('rtc-state-change', onChange);
      resolve();
    };
    call.addEventListener('rtc-state-change', onChange);
  });
}

/** Resolves once `video` has size and has presented `frames` new frames: live video, not a still. */
export async function waitForFrames(video: HTMLVideoElement, frames = 3, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (seen < frames) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`only ${seen} of ${frames} frames in ${timeoutMs} ms (videoWidth ${video.videoWidth})`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no video frame within ${timeoutMs} ms (videoWidth ${video.videoWidth})`)), left);
      video.requestVideoFrameCallback(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    seen++;
  }
  if (video.videoWidth <= 0) throw new Error('frames arrived but videoWidth is 0');
}

/** The `<video>` inside the first `<rtc-remote-video>` child of `call`. */
export function remoteVideoOf(call: RtcCall): HTMLVideoElement {
  const remote = call.querySelector('rtc-remote-video');
  const video = remote?.shadowRoot?.querySelector('video');
  if (!video) throw new Error('no <rtc-remote-video> with a <video> inside the call');
  return video;
}

/** Records every `rtc-*` event the element emits, by type. */
export function recordEvents(target: EventTarget, types: string[]): Map<string, Event[]> {
  const log = new Map<string, Event[]>(types.map((t) => [t, []]));
  for (const type of types) target.addEventListener(type, (event) => log.get(type)!.push(event));
  return log;
}

/** Hangs up and removes every call element left on the page. */
export async function cleanUpCalls(): Promise<void> {
  const calls = [...document.querySelectorAll('rtc-call')];
  await Promise.all(calls.map((c) => c.hangup().catch(() => {})));
  for (const c of calls) c.remove();
}

/** The video frames `call`'s peer connection has decoded so far, from getStats. */
export async function framesDecoded(call: RtcCall): Promise<number> {
  const pc = call.service.peerConnection;
  if (!pc) return 0;
  let frames = 0;
  (await pc.getStats()).forEach((report) => {
    if (report.type === 'inbound-rtp' && report.kind === 'video') frames += report.framesDecoded ?? 0;
  });
  return frames;
}

/**
 * Resolves once `call` has decoded `frames` more video frames. It counts what the decoder produced,
 * not what the page painted, so a busy machine that skips painting does not fail it.
 */
export async function waitForDecodedFrames(call: RtcCall, frames = 10, timeoutMs = 10_000): Promise<void> {
  const start = await framesDecoded(call);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await framesDecoded(call);
    if (now - start >= frames) return;
    if (Date.now() > deadline) throw new Error(`only ${now - start} of ${frames} video frames decoded in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Each peer link of a call as one line: its state, and its connection's signaling, ICE and candidate
 * counts. For failure messages, so that a rare failure says where negotiation stood.
 */
export function describeLinks(call: RtcCall): string {
  const candidates = (sdp?: string) => (sdp?.match(/a=candidate:/g) ?? []).length;
  return call.service.peers
    .map(({ id, state, connection: pc }) =>
      pc
        ? `${id}: ${state}, signaling ${pc.signalingState}, ice ${pc.iceConnectionState}/${pc.iceGatheringState}, ` +
          `local ${pc.localDescription?.type ?? '-'} with ${candidates(pc.localDescription?.sdp)} candidates, ` +
          `remote ${pc.remoteDescription?.type ?? '-'} with ${candidates(pc.remoteDescription?.sdp)}`
        : `${id}: ${state}, no connection`,
    )
    .join('; ') || 'no peers';
}
