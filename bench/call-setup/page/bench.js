// bench/call-setup, in the page: two ways to set up the same call, each timed to the first remote video
// frame on both sides (requestVideoFrameCallback).
//
//   kit(variant, relay)   two <rtc-call> elements, each with its own service, through the real hub.
//                         Both start() first (camera and Join, not timed); the clock starts at a.call().
//   floor(relay)          two RTCPeerConnections in this page, with no signaling at all: each hands its
//                         descriptions and candidates straight to the other. The clock starts at
//                         createOffer(). Camera access, like start() above, comes before the clock.
// `relay` gives both peers TURN only (iceTransportPolicy "relay"), with credentials from /ice.json (minted
// by the hub's code; see in-namespace.mjs). The floor fetches them before its clock starts; the kit's
// call() fetches them itself, as `ice-servers-url` tells it to.
import { RtcService } from '/dist/rtc-kit.js';

let counter = 0;
const media = { video: true, audio: true };

/** Resolves with performance.now() at the first frame of `stream` shown in a new <video> in the page. */
function firstFrame(stream, videos) {
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.width = 160;
  video.height = 120;
  video.srcObject = stream;
  document.body.append(video);
  videos.push(video);
  video.play().catch(() => {});
  return new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no first frame in ${ms} ms`)), ms))),
  ]);
}

/** A promise for the first remote frame of an <rtc-call>, from its first rtc-remote-stream event. */
function kitFirstFrame(element, videos) {
  return new Promise((resolve) => {
    element.addEventListener('rtc-remote-stream', (event) => resolve(firstFrame(event.detail.stream, videos)), { once: true });
  });
}

window.kit = async (variant, relay) => {
  const channel = `bench-${Date.now().toString(36)}-${++counter}`;
  const videos = [];
  const errors = [];
  const make = () => {
    const element = document.createElement('rtc-call');
    element.hubUrl = '/messagehub';
    element.channel = channel;
    element.variant = variant;
    element.service = new RtcService();
    if (relay) {
      element.iceServersUrl = '/ice.json';
      element.setAttribute('ice-transport-policy', 'relay');
    }
    element.addEventListener('rtc-error', (event) => errors.push(event.detail.message));
    document.body.append(element);
    return element;
  };
  const a = make();
  const b = make();
  try {
    const frames = [kitFirstFrame(a, videos), kitFirstFrame(b, videos)];
    await a.start();
    await b.start();
    const start = performance.now();
    await a.call();
    const [atA, atB] = await withTimeout(Promise.all(frames), 15_000, `${variant}${relay ? ' relay' : ''} (${errors.join('; ')})`);
    return { ms: Math.max(atA, atB) - start, callerMs: atA - start, calleeMs: atB - start };
  } finally {
    await Promise.all([a.hangup(), b.hangup()].map((p) => p.catch(() => {})));
    a.remove();
    b.remove();
    for (const video of videos) video.remove();
  }
};

window.floor = async (relay) => {
  const iceServers = relay ? (await (await fetch('/ice.json', { cache: 'no-store' })).json()).iceServers : [];
  const config = { iceServers, iceTransportPolicy: relay ? 'relay' : 'all' };
  const streams = [await navigator.mediaDevices.getUserMedia(media), await navigator.mediaDevices.getUserMedia(media)];
  const pcs = [new RTCPeerConnection(config), new RTCPeerConnection(config)];
  const videos = [];
  try {
    const frames = pcs.map(
      (pc) => new Promise((resolve) => pc.addEventListener('track', (event) => resolve(firstFrame(event.streams[0], videos)), { once: true })),
    );
    pcs[0].onicecandidate = (event) => event.candidate && pcs[1].addIceCandidate(event.candidate);
    pcs[1].onicecandidate = (event) => event.candidate && pcs[0].addIceCandidate(event.candidate);
    pcs.forEach((pc, i) => streams[i].getTracks().forEach((track) => pc.addTrack(track, streams[i])));
    const start = performance.now();
    const offer = await pcs[0].createOffer();
    await pcs[0].setLocalDescription(offer);
    await pcs[1].setRemoteDescription(offer);
    const answer = await pcs[1].createAnswer();
    await pcs[1].setLocalDescription(answer);
    await pcs[0].setRemoteDescription(answer);
    const [atA, atB] = await withTimeout(Promise.all(frames), 15_000, `floor${relay ? ' relay' : ''}`);
    return { ms: Math.max(atA, atB) - start, callerMs: atA - start, calleeMs: atB - start };
  } finally {
    for (const pc of pcs) pc.close();
    for (const stream of streams) stream.getTracks().forEach((track) => track.stop());
    for (const video of videos) video.remove();
  }
};

window.benchReady = true;
