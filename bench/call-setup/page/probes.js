// bench/call-setup's timeline probes, loaded before the kit: they wrap the browser APIs a call goes through
// and note when each stage happens, on the clock every page shares (performance.timeOrigin + now), so
// that the stages of two pages can be laid on one line. Nothing in the kit is changed for them.
//
// window.timeline.take() returns and clears the entries: [{t, what}], t in epoch ms.
(() => {
  const entries = [];
  const now = () => performance.timeOrigin + performance.now();
  const note = (what) => entries.push({ t: now(), what });
  window.timeline = { note, take: () => entries.splice(0) };

  const wrap = (proto, name, label) => {
    const original = proto[name];
    proto[name] = function (...args) {
      const what = label(this, args);
      if (what) note(`${what} start`);
      const result = original.apply(this, args);
      if (what && result && typeof result.then === 'function') result.then(() => note(`${what} done`), () => note(`${what} failed`));
      return result;
    };
  };
  const descType = (pc, [description]) => description?.type ?? (pc.signalingState === 'have-remote-offer' ? 'answer' : 'offer');
  const PC = RTCPeerConnection.prototype;
  wrap(PC, 'setLocalDescription', (pc, args) => `setLocalDescription(${descType(pc, args)})`);
  wrap(PC, 'setRemoteDescription', (pc, args) => `setRemoteDescription(${args[0]?.type})`);
  wrap(PC, 'createOffer', () => 'createOffer');
  wrap(PC, 'createAnswer', () => 'createAnswer');

  // Per connection: the first local candidate, the first remote one added, and the state changes.
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = function (...args) {
    const pc = new Native(...args);
    let local = 0;
    let remote = 0;
    note('RTCPeerConnection created');
    pc.addEventListener('icecandidate', (e) => e.candidate && local++ === 0 && note('first local candidate'));
    const add = pc.addIceCandidate.bind(pc);
    pc.addIceCandidate = (candidate) => {
      if (remote++ === 0) note('first remote candidate added');
      return add(candidate);
    };
    pc.addEventListener('iceconnectionstatechange', () => note(`iceConnectionState ${pc.iceConnectionState}`));
    pc.addEventListener('connectionstatechange', () => note(`connectionState ${pc.connectionState}`));
    pc.addEventListener('track', (e) => note(`track ${e.track.kind}`));
    return pc;
  };
  window.RTCPeerConnection.prototype = PC;

  // Signaling on the wire: the first frame out and in that carries an offer or an answer.
  const kind = (text) => (typeof text !== 'string' ? null : /\\?"type\\?":\\?"offer|"offer"|"Offer"|ReceiveOffer/.test(text) ? 'offer' : /\\?"type\\?":\\?"answer|"answer"|"Answer"|ReceiveAnswer/.test(text) ? 'answer' : null);
  const NativeWS = window.WebSocket;
  const send = NativeWS.prototype.send;
  NativeWS.prototype.send = function (data) {
    const k = kind(data);
    if (k) note(`${k} sent on the socket`);
    return send.call(this, data);
  };
  window.WebSocket = function (...args) {
    const ws = new NativeWS(...args);
    ws.addEventListener('message', (e) => {
      const k = kind(e.data);
      if (k) note(`${k} received on the socket`);
    });
    return ws;
  };
  Object.assign(window.WebSocket, NativeWS);
  window.WebSocket.prototype = NativeWS.prototype;

  // A video given a stream: note it, and note its first presented frame.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(stream) {
      srcObject.set.call(this, stream);
      if (!stream || !(this instanceof HTMLVideoElement) || window.timeline.isLocal?.(stream)) return;
      note('remote srcObject set');
      const video = this;
      video.requestVideoFrameCallback(() => {
        if (video.srcObject === stream) {
          note('first remote frame');
          window.timeline.onFrame?.(video);
        }
      });
    },
  });
})();
