// bench/call-setup, in the page: three ways to set up the same call, each timed to the first remote video
// frame on both sides (requestVideoFrameCallback).
//
//   join / callNow / frame / leave
//                         two people on two pages (in-namespace.mjs opens this page in two browser
//                         contexts): each page has one <rtc-call> with its default page, and the time is
//                         from call() on one page to the first frame in each element's own remote video.
//                         probes.js notes every stage on the clock both pages share.
//   kit(variant, relay)   two <rtc-call> elements in this one page, each with its own service, through the real hub.
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

/** The one <rtc-call> of this page, in the two-page measurement, and the epoch time of its first remote frame. */
let element = null;
let frameAt = null;
/** For an invited call: the epoch time of this page's rtc-invitation. */
let invited = null;

/** Local streams, so that probes.js can tell the remote video from the self-view. */
const localTracks = new Set();
const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
navigator.mediaDevices.getUserMedia = async (constraints) => {
  const stream = await getUserMedia(constraints);
  for (const track of stream.getTracks()) localTracks.add(track.id);
  return stream;
};
window.timeline.isLocal = (stream) => stream.getTracks().some((track) => localTracks.has(track.id));

/** Puts an <rtc-call> with its default page in this page, and starts it (camera, Join): not timed. */
window.join = async (variant, relay, channel) => {
  element = document.createElement('rtc-call');
  element.hubUrl = '/messagehub';
  element.channel = channel;
  element.variant = variant;
  if (relay) {
    element.iceServersUrl = '/ice.json';
    element.setAttribute('ice-transport-policy', 'relay');
  }
  const errors = [];
  element.addEventListener('rtc-error', (event) => errors.push(event.detail.message));
  frameAt = withTimeout(
    // The element is the only thing in this page that shows a remote stream.
    new Promise((resolve) => (window.timeline.onFrame = () => resolve(performance.timeOrigin + performance.now()))),
    15_000,
    `${variant}${relay ? ' relay' : ''} on two pages (${errors.join('; ')})`,
  );
  frameAt.catch(() => {});
  document.body.append(element);
  await element.start();
  window.timeline.take();
};

/** Calls, and returns the epoch time it was called at; the call goes on. */
window.callNow = () => {
  const at = performance.timeOrigin + performance.now();
  window.timeline.note('call()');
  element.call().catch(() => {});
  return at;
};

/** The epoch time of the first frame in this element's own remote video. */
window.frame = () => frameAt;

window.leave = async () => {
  window.timeline.onFrame = null;
  await element?.hangup().catch(() => {});
  element?.remove();
  element = null;
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
    window.timeline.take();
    const start = performance.now();
    window.timeline.note('call()');
    const offer = await pcs[0].createOffer();
    await pcs[0].setLocalDescription(offer);
    await pcs[1].setRemoteDescription(offer);
    const answer = await pcs[1].createAnswer();
    await pcs[1].setLocalDescription(answer);
    await pcs[0].setRemoteDescription(answer);
    const [atA, atB] = await withTimeout(Promise.all(frames), 15_000, `floor${relay ? ' relay' : ''}`);
    const t0 = performance.timeOrigin + start;
    const timeline = window.timeline.take().map((e) => ({ page: 'A', what: e.what, ms: e.t - t0 }));
    return { ms: Math.max(atA, atB) - start, callerMs: atA - start, calleeMs: atB - start, timeline };
  } finally {
    for (const pc of pcs) pc.close();
    for (const stream of streams) stream.getTracks().forEach((track) => track.stop());
    for (const video of videos) video.remove();
  }
};

// ----- An invited call (contract section 9), on a hub with dev tokens: `signIn` on both pages, then
// `inviteNow` on A, `invitedAt` on B (the epoch time of its rtc-invitation), `acceptNow` on B, and
// `frame` on both. `roundTrip` times one plain hub invocation (Join), the baseline of the delivery.

/** An <rtc-call> with its default page, signed in as `user` and reachable: its hub connection is up. */
window.signIn = async (user) => {
  element = document.createElement('rtc-call');
  element.hubUrl = '/messagehub';
  element.accessTokenFactory = async () => (await (await fetch(`/dev/token?user=${encodeURIComponent(user)}`)).json()).token;
  element.reachable = true;
  invited = new Promise((resolve) => element.addEventListener('rtc-invitation', () => resolve(performance.timeOrigin + performance.now()), { once: true }));
  frameAt = withTimeout(
    new Promise((resolve) => (window.timeline.onFrame = () => resolve(performance.timeOrigin + performance.now()))),
    15_000,
    'an invited call',
  );
  frameAt.catch(() => {});
  document.body.append(element);
  await element.updateComplete; // the token factory reaches the service, which connects: it is reachable
  await element.service.connect();
};

/** Rings `user`, and returns the epoch time it was asked at. */
window.inviteNow = (user) => {
  const at = performance.timeOrigin + performance.now();
  element.invite(user).catch(() => {});
  return at;
};

window.invitedAt = () => withTimeout(invited, 15_000, 'no rtc-invitation');

/** Accepts the invitation that rings, and returns the epoch time it was accepted at. */
window.acceptNow = () => {
  const at = performance.timeOrigin + performance.now();
  element.accept().catch(() => {});
  return at;
};

/** One plain invocation through this element's own hub connection, in ms. */
window.roundTrip = async () => {
  const start = performance.now();
  await element.service.signaling.invoke('Join', `rtt-${Math.random().toString(36).slice(2)}`);
  return performance.now() - start;
};

window.benchReady = true;
