// The three wire protocols the load generators speak, each over a raw `ws` socket, and the payloads they send.
//
// Why raw sockets and not the official clients: the generator must not be the bottleneck. The official
// @microsoft/signalr and socket.io-client clients cost more CPU per message than the servers we measure,
// and on a 2-core machine the generators share the cores with the server. So each protocol here is the
// few lines of its wire format that a relay needs, the same for every server:
//
// - `signalr`: rtc-kit's hub. JSON hub protocol, WebSockets without negotiate (skipNegotiation): the
//   handshake `{"protocol":"json","version":1}` + 0x1E, answered by `{}` + 0x1E; `Join` as an invocation
//   with an id, so its Completion tells us the join is done; then `SignalWebRtc` invocations without an id
//   (fire and forget, as the seed's client sends them). See shared/reference/signalr-wire.md and
//   server/src/hubs/message-hub.ts.
// - `ws`: bench/servers/ws-relay.mjs, one JSON object per frame.
// - `socketio`: bench/servers/socketio-relay.mjs, Engine.IO 4 over a WebSocket: open packet `0{...}`,
//   connect `40`, events `42[...]`, acks `43n[...]`, and the server's ping `2`, which we answer with `3`.
//
// Every signal payload carries a timestamp marker `~T<ms>~` (performance.now() in the sending process).
// The receiving peer lives in the same generator process, finds the marker in the raw bytes without
// parsing anything, and gets the latency from one clock.
import WebSocket from 'ws';

const RS = '\x1e';
export const MARK = Buffer.from('~T');
const TILDE = 0x7e;
const STAMP = '~T@~';

// ---------------------------------------------------------------------------------------------------
// Payloads: the JSON text of an RTCIceCandidate (about 300 B) and of an RTCSessionDescription (about 4 KB),
// as rtc-kit and the seed send them. Escaping matters: an SDP has CRLFs and the candidate has quotes, so
// the hub pays for real JSON escaping, as it would in production.

function candidatePayload() {
  return JSON.stringify({
    candidate:
      `candidate:842163049 1 udp 1677729535 203.0.113.7 61563 typ srflx raddr 192.168.1.23 rport 61563 ` +
      `generation 0 ufrag ${STAMP} network-id 1 network-cost 10`,
    sdpMid: '0',
    sdpMLineIndex: 0,
    usernameFragment: 'xY9zQ2',
  }).padEnd(300, ' ');
}

function sdpPayload() {
  const lines = [
    'v=0',
    `o=- 4611731400430051336 2 IN IP4 127.0.0.1 ${STAMP}`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS 2b7b3f0e-1c5a-4a2e-9a59-6a0c1f3f5d11',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:xY9zQ2',
    'a=ice-pwd:3fT0r8qkYw7mZ2hV9pLx1cNs',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CF:CC:78:75:5E:C1:2B:4E:91:0C:9B:9E:3C:5A:3A:8C:7E:20:11:3B',
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    'a=msid:2b7b3f0e-1c5a-4a2e-9a59-6a0c1f3f5d11 5f0c4a7e-8d2b-4c1e-b3a6-0e9f8d7c6b5a',
    'a=rtcp-mux',
    'a=rtcp-rsize',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=rtpmap:63 red/48000/2',
    'a=fmtp:63 111/111',
    'a=rtpmap:9 G722/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:13 CN/8000',
    'a=rtpmap:110 telephone-event/48000',
    'a=rtpmap:126 telephone-event/8000',
    'a=ssrc:1001 cname:k2Jd8Qw1Zp0sXy7T',
    'a=ssrc:1001 msid:2b7b3f0e-1c5a-4a2e-9a59-6a0c1f3f5d11 5f0c4a7e-8d2b-4c1e-b3a6-0e9f8d7c6b5a',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102 103 104 105 106 107 108 109 127 125 39 40',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:xY9zQ2',
    'a=ice-pwd:3fT0r8qkYw7mZ2hV9pLx1cNs',
    'a=ice-options:trickle',
    'a=fingerprint:sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CF:CC:78:75:5E:C1:2B:4E:91:0C:9B:9E:3C:5A:3A:8C:7E:20:11:3B',
    'a=setup:actpass',
    'a=mid:1',
    'a=extmap:14 urn:ietf:params:rtp-hdrext:toffset',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=extmap:13 urn:3gpp:video-orientation',
    'a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
    'a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay',
    'a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type',
    'a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing',
    'a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space',
    'a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid',
    'a=sendrecv',
    'a=msid:2b7b3f0e-1c5a-4a2e-9a59-6a0c1f3f5d11 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  const codecs = ['VP8', 'rtx', 'VP9', 'rtx', 'VP9', 'rtx', 'H264', 'rtx', 'H264', 'rtx', 'H264', 'rtx', 'AV1', 'rtx', 'red', 'rtx', 'ulpfec'];
  codecs.forEach((codec, i) => {
    const pt = 96 + i;
    lines.push(`a=rtpmap:${pt} ${codec}/90000`);
    if (codec === 'rtx') lines.push(`a=fmtp:${pt} apt=${pt - 1}`);
    else {
      lines.push(`a=rtcp-fb:${pt} goog-remb`, `a=rtcp-fb:${pt} transport-cc`, `a=rtcp-fb:${pt} ccm fir`, `a=rtcp-fb:${pt} nack`, `a=rtcp-fb:${pt} nack pli`);
      if (codec === 'H264') lines.push(`a=fmtp:${pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f`);
    }
  });
  lines.push('a=ssrc-group:FID 2002 2003', 'a=ssrc:2002 cname:k2Jd8Qw1Zp0sXy7T', 'a=ssrc:2003 cname:k2Jd8Qw1Zp0sXy7T');
  let sdp = lines.join('\r\n') + '\r\n';
  while (sdp.length < 3900) sdp += 'a=ssrc:2002 msid:2b7b3f0e-1c5a-4a2e-9a59-6a0c1f3f5d11 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d\r\n';
  return JSON.stringify({ type: 'offer', sdp });
}

export const payloads = {
  candidate: { type: 'candidate', text: candidatePayload() },
  sdp: { type: 'offer', text: sdpPayload() },
};

// ---------------------------------------------------------------------------------------------------
// Protocols.

/**
 * What each protocol needs from the generator:
 * - path: where to open the WebSocket;
 * - start(peer): called on open;
 * - control(peer, text): a frame with no timestamp marker (handshake, acks, pings, join notices);
 * - template(channel, type, payloadText): a signal frame split around the timestamp: [before, after];
 * - ping: a client keep-alive frame, or null if the protocol has none from the client.
 */
export const protocols = {
  signalr: {
    path: '/messagehub',
    start(peer) {
      peer.ws.send(`{"protocol":"json","version":1}${RS}`);
    },
    control(peer, text) {
      if (peer.state === 'handshake') {
        if (!text.startsWith(`{}${RS}`)) return peer.fail(new Error(`handshake refused: ${text}`));
        peer.state = 'joining';
        peer.ws.send(`{"type":1,"invocationId":"0","target":"Join","arguments":[${JSON.stringify(peer.channel)}]}${RS}`);
        text = text.slice(3);
      }
      for (const record of text.split(RS)) {
        if (!record) continue;
        if (record.startsWith('{"type":3') && record.includes('"invocationId":"0"')) {
          if (record.includes('"error"')) return peer.fail(new Error(`Join failed: ${record}`));
          peer.joined();
        } else if (record.startsWith('{"type":7')) {
          peer.fail(new Error(`the hub closed the connection: ${record}`));
        }
      }
    },
    template(channel, type, payloadText) {
      return split(`{"type":1,"target":"SignalWebRtc","arguments":${JSON.stringify([channel, type, payloadText])}}${RS}`);
    },
    ping: `{"type":6}${RS}`,
  },

  ws: {
    path: '/',
    start(peer) {
      peer.state = 'joining';
      peer.ws.send(JSON.stringify({ op: 'join', channel: peer.channel }));
    },
    control(peer, text) {
      if (text === '{"op":"joined"}') peer.joined();
    },
    template(channel, type, payloadText) {
      return split(JSON.stringify({ op: 'signal', channel, type, payload: payloadText }));
    },
    ping: null, // the relay pings; `ws` answers with a pong by itself
  },

  socketio: {
    path: '/socket.io/?EIO=4&transport=websocket',
    start() {
      // The server speaks first: the Engine.IO open packet.
    },
    control(peer, text) {
      if (text === '2') return peer.ws.send('3');
      if (text.startsWith('0{')) return peer.ws.send('40');
      if (text.startsWith('40')) {
        peer.state = 'joining';
        return peer.ws.send(`420${JSON.stringify(['join', peer.channel])}`);
      }
      if (text.startsWith('430')) return peer.joined();
      if (text.startsWith('44') || text.startsWith('1')) peer.fail(new Error(`socket.io closed or refused: ${text}`));
    },
    template(channel, type, payloadText) {
      return split(`42${JSON.stringify(['signal', channel, type, payloadText])}`);
    },
    ping: null, // socket.io's server pings; we answer in control()
  },
};

function split(frame) {
  const at = frame.indexOf(STAMP);
  if (at < 0) throw new Error('the payload lost its timestamp marker');
  return [frame.slice(0, at + 2), frame.slice(at + STAMP.length - 1)];
}

/** The timestamps in a received frame (usually one). Calls `onStamp(ms)` for each. */
export function forEachStamp(data, onStamp) {
  let at = data.indexOf(MARK);
  while (at >= 0) {
    const end = data.indexOf(TILDE, at + 2);
    onStamp(Number(data.latin1Slice(at + 2, end)));
    at = data.indexOf(MARK, end + 1);
  }
}

/**
 * One simulated client: a raw WebSocket that connects, does its protocol's handshake and joins `channel`.
 * `onSignal(peer, data)` receives every frame that carries a timestamp marker. With `token`, it signs in with
 * it as browsers do on WebSockets: in the `access_token` query parameter.
 */
export class Peer {
  constructor(protocolName, baseUrl, channel, onSignal, token = null) {
    this.protocol = protocols[protocolName];
    this.channel = channel;
    this.state = 'handshake';
    this.onSignal = onSignal;
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    // The timeout only guards against a stuck benchmark; a busy server may take seconds to accept 10,000.
    const timer = setTimeout(() => this.fail(new Error(`no join after 60 s (state ${this.state})`)), 60_000);
    this.ready.then(
      () => clearTimeout(timer),
      () => clearTimeout(timer),
    );
    const url = baseUrl.replace(/^http/, 'ws') + this.protocol.path + (token ? `?access_token=${encodeURIComponent(token)}` : '');
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.ws.on('open', () => this.protocol.start(this));
    this.ws.on('message', (data) => {
      if (data.indexOf(MARK) >= 0) this.onSignal(this, data);
      else this.protocol.control(this, data.toString('utf8'));
    });
    this.ws.on('error', (error) => this.fail(error));
    this.ws.on('close', (code) => {
      if (this.state !== 'closing') this.fail(new Error(`socket closed (${code}) in state ${this.state}`));
    });
  }

  joined() {
    if (this.state === 'joined') return;
    this.state = 'joined';
    this.resolveReady();
  }

  fail(error) {
    if (this.state === 'failed' || this.state === 'closing') return;
    const wasJoined = this.state === 'joined';
    this.state = 'failed';
    this.rejectReady(error);
    if (wasJoined) process.emitWarning(`peer in ${this.channel}: ${error.message}`);
  }

  send(text) {
    this.ws.send(text);
  }

  close() {
    this.state = 'closing';
    this.ws.terminate();
  }
}
