// bench/group-setup, in the page. Every person sends a small picture (320x240 at 15 fps), in the kit and
// in the floor alike, so that four or six pages on two cores measure setup rather than a CPU queue.
//
//   join(channel)      this page's person: an <rtc-call> in `channel`, started (camera, Join); not timed
//   callAndTime(n)     calls, and resolves with the ms from call() to a first frame from each of n peers,
//                      each shown by its own <rtc-remote-video peer=ID>
//   waitForPeers(n)    resolves once n peers are connected
//   leave()            hangs up and removes the call
//   floor(n)           n pairs of RTCPeerConnections in this page, no signaling, set up together: the ms
//                      from the first createOffer() to a first frame on the answering side of each pair
import { RtcService } from '/dist/rtc-kit.js';

const media = { audio: true, video: { width: 320, height: 240, frameRate: 15 } };
let call = null;

/** Resolves with performance.now() at the first frame `video` presents. */
const firstFrame = (video) => new Promise((resolve) => video.requestVideoFrameCallback(() => resolve(performance.now())));

window.join = async (channel) => {
  call = document.createElement('rtc-call');
  Object.assign(call, { hubUrl: '/messagehub', channel });
  call.service = new RtcService({ media });
  // A custom layout: a tile per peer, added as peers arrive.
  call.addEventListener('rtc-remote-stream', (event) => {
    const { peerId, stream } = event.detail;
    if (!stream || call.querySelector(`rtc-remote-video[peer="${peerId}"]`)) return;
    const tile = document.createElement('rtc-remote-video');
    tile.setAttribute('peer', peerId);
    tile.style.cssText = 'display: inline-block; width: 160px';
    call.append(tile);
    // The tile's <video> is there once it has rendered; its first frame is when the person sees the peer.
    tile.frame = tile.updateComplete.then(() => firstFrame(tile.shadowRoot.querySelector('video')));
  });
  document.body.append(call);
  await call.start();
};

window.callAndTime = async (count) => {
  const start = performance.now();
  const calling = call.call();
  const deadline = Date.now() + 20_000;
  let tiles = [];
  while ((tiles = [...call.querySelectorAll('rtc-remote-video')]).length < count) {
    if (Date.now() > deadline) throw new Error(`tiles for ${tiles.length} of ${count} peers in 20 s`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const times = await Promise.all(tiles.map((tile) => tile.frame));
  await calling;
  return Math.max(...times) - start;
};

window.waitForPeers = async (count) => {
  const deadline = Date.now() + 40_000;
  while (!(call.peers.length === count && call.peers.every((p) => p.state === 'connected'))) {
    if (Date.now() > deadline) throw new Error(`${count} connected peers wanted in 40 s; the peers: ${call.peers.map((p) => p.state).join(', ') || 'none'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

window.leave = async () => {
  await call?.hangup().catch(() => {});
  call?.remove();
  call = null;
};

window.floor = async (count) => {
  const pairs = await Promise.all(
    Array.from({ length: count }, async () => ({
      pcs: [new RTCPeerConnection(), new RTCPeerConnection()],
      streams: [await navigator.mediaDevices.getUserMedia(media), await navigator.mediaDevices.getUserMedia(media)],
    })),
  );
  const videos = [];
  try {
    const start = performance.now();
    const frames = pairs.map(async ({ pcs, streams }) => {
      const shown = new Promise((resolve) =>
        pcs[1].addEventListener(
          'track',
          (event) => {
            const video = Object.assign(document.createElement('video'), { muted: true, playsInline: true, srcObject: event.streams[0] });
            video.style.cssText = 'width: 160px';
            document.body.append(video);
            videos.push(video);
            video.play().catch(() => {});
            resolve(firstFrame(video));
          },
          { once: true },
        ),
      );
      pcs[0].onicecandidate = (event) => event.candidate && pcs[1].addIceCandidate(event.candidate);
      pcs[1].onicecandidate = (event) => event.candidate && pcs[0].addIceCandidate(event.candidate);
      pcs.forEach((pc, i) => streams[i].getTracks().forEach((track) => pc.addTrack(track, streams[i])));
      const offer = await pcs[0].createOffer();
      await pcs[0].setLocalDescription(offer);
      await pcs[1].setRemoteDescription(offer);
      const answer = await pcs[1].createAnswer();
      await pcs[1].setLocalDescription(answer);
      await pcs[0].setRemoteDescription(answer);
      return shown;
    });
    return Math.max(...(await Promise.all(frames))) - start;
  } finally {
    for (const { pcs, streams } of pairs) {
      pcs.forEach((pc) => pc.close());
      streams.forEach((stream) => stream.getTracks().forEach((track) => track.stop()));
    }
    videos.forEach((video) => video.remove());
  }
};

window.benchReady = true;
