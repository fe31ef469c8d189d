// MessageHub through the official clients over real sockets: every method and event, for every
// client, transport and protocol the issue names.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createHubServer, silentLogger, type HubServer } from '../src/index.js';
import { CLIENT_KINDS, connect, delay, type ClientKind, type TestClient } from './helpers/clients.js';

const OFFER = JSON.stringify({ type: 'offer', sdp: 'v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\n' });
const ANSWER = JSON.stringify({ type: 'answer', sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\n' });
const CANDIDATE = JSON.stringify({
  candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host generation 0',
  sdpMid: '0',
  sdpMLineIndex: 0,
});

let hub: HubServer;
before(async () => {
  hub = await createHubServer({ port: 0, logger: silentLogger });
});
after(() => hub.close());

let channelCounter = 0;
const newChannel = () => `channel-${++channelCounter}`;

/** Two clients of one kind in one channel, and the id the second saw the first join with. */
async function pair(kind: ClientKind, channel: string): Promise<{ a: TestClient; b: TestClient; aId: string; bId: string }> {
  const a = await connect(hub.url, kind);
  const b = await connect(hub.url, kind);
  await a.invoke('Join', channel);
  await b.invoke('Join', channel);
  const [bId] = (await a.next('Join')) as [string];
  // b joined after a, so b learns a's id only when a joins again, as the seed's first page does before each send.
  await a.invoke('Join', channel);
  const [aId] = (await b.next('Join')) as [string];
  return { a, b, aId, bId };
}

for (const kind of CLIENT_KINDS) {
  describe(kind.name, () => {
    it('relays Join, SignalWebRtc, Offer, Answer, Candidate and Leave to the other member only', async () => {
      const channel = newChannel();
      const { a, b, aId, bId } = await pair(kind, channel);
      assert.match(aId, /^[A-Za-z0-9_-]{22}$/, 'connection ids are 22 URL-safe characters');
      assert.notEqual(aId, bId);
      if (a.connectionId !== null) assert.equal(aId, a.connectionId);

      await a.invoke('SignalWebRtc', channel, 'offer', OFFER);
      assert.deepEqual(await b.next('SignalWebRtc'), [channel, 'offer', OFFER]);
      await b.invoke('SignalWebRtc', channel, 'answer', ANSWER);
      assert.deepEqual(await a.next('SignalWebRtc'), [channel, 'answer', ANSWER]);
      await a.invoke('SignalWebRtc', channel, 'candidate', CANDIDATE);
      assert.deepEqual(await b.next('SignalWebRtc'), [channel, 'candidate', CANDIDATE]);

      await a.invoke('Offer', channel, OFFER);
      assert.deepEqual(await b.next('ReceiveOffer'), [OFFER]);
      await b.invoke('Answer', channel, ANSWER);
      assert.deepEqual(await a.next('ReceiveAnswer'), [ANSWER]);
      await a.invoke('Candidate', channel, CANDIDATE);
      assert.deepEqual(await b.next('ReceiveCandidate'), [CANDIDATE]);

      await b.invoke('Leave', channel);
      assert.deepEqual(await a.next('Leave'), [bId]);

      // Nothing came back to its sender: a saw b's answer only, b saw a's offer and candidate only.
      assert.deepEqual(a.received('SignalWebRtc').map((args) => args[1]), ['answer']);
      assert.deepEqual(b.received('SignalWebRtc').map((args) => args[1]), ['offer', 'candidate']);
      assert.equal(a.received('ReceiveOffer').length, 0);
      assert.equal(b.received('ReceiveAnswer').length, 0);
      assert.equal(a.received('ReceiveCandidate').length, 0);
      assert.equal(b.received('Leave').length, 0);
      await Promise.all([a.stop(), b.stop()]);
    });

    it('tells the others Leave(connectionId) when a connection drops', async () => {
      const channel = newChannel();
      const { a, b, aId } = await pair(kind, channel);
      await a.stop();
      assert.deepEqual(await b.next('Leave', 10_000), [aId]);
      await b.stop();
    });

    it('delivers nothing to a client in another channel, and a repeated Join keeps the call', async () => {
      const channel = newChannel();
      const { a, b } = await pair(kind, channel);
      const c = await connect(hub.url, kind);
      await c.invoke('Join', newChannel());
      await a.invoke('Join', channel);
      await a.invoke('SignalWebRtc', channel, 'offer', OFFER);
      await a.invoke('Offer', channel, OFFER);
      assert.deepEqual(await b.next('SignalWebRtc'), [channel, 'offer', OFFER]);
      assert.deepEqual(await b.next('ReceiveOffer'), [OFFER]);
      // Give a stray message time to arrive before checking that none did.
      await delay(100);
      for (const event of ['Join', 'SignalWebRtc', 'ReceiveOffer', 'Leave']) assert.equal(c.received(event).length, 0, event);
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    });

    it('carries a 30 KB payload and non-ASCII text intact', async () => {
      const channel = newChannel();
      const { a, b } = await pair(kind, channel);
      const big = 'x'.repeat(30 * 1024);
      await a.invoke('SignalWebRtc', channel, 'offer', big);
      const [, , got] = (await b.next('SignalWebRtc')) as string[];
      assert.equal(got!.length, big.length);
      assert.equal(got, big);
      const text = 'Grüße, 你好, こんにちは, Привет, 🎥📞 — "quoted"\n\\ \u2028';
      await a.invoke('Candidate', channel, text);
      assert.deepEqual(await b.next('ReceiveCandidate'), [text]);
      await Promise.all([a.stop(), b.stop()]);
    });

    it('matches method names whatever their case, and send() works without a reply', async () => {
      const channel = newChannel();
      const a = await connect(hub.url, kind);
      const b = await connect(hub.url, kind);
      await a.invoke('join', channel);
      await b.invoke('JOIN', channel);
      await a.next('Join');
      await b.send('signalwebrtc', channel, 'candidate', CANDIDATE);
      assert.deepEqual(await a.next('SignalWebRtc'), [channel, 'candidate', CANDIDATE]);
      await Promise.all([a.stop(), b.stop()]);
    });

    it('answers errors as ASP.NET does, and the connection keeps working', async () => {
      const channel = newChannel();
      const a = await connect(hub.url, kind);
      await assert.rejects(a.invoke('NoSuchMethod', 1), {
        message: "Failed to invoke 'NoSuchMethod' due to an error on the server. HubException: Method does not exist.",
      });
      await assert.rejects(a.invoke('Join'), { message: "Failed to invoke 'Join' due to an error on the server." });
      await assert.rejects(a.invoke('Join', channel, 'extra'), {
        message: "Failed to invoke 'Join' due to an error on the server.",
      });
      await assert.rejects(a.invoke('Join', 42), { message: "Failed to invoke 'Join' due to an error on the server." });
      await assert.rejects(a.invoke('SignalWebRtc', channel, 'offer', OFFER), {
        message: `An unexpected error occurred invoking 'SignalWebRtc' on the server. HubException: Join the channel '${channel}' before signaling to it.`,
      });
      await assert.rejects(a.invoke('Offer', channel, OFFER), /Join the channel/);
      await a.invoke('Join', channel);
      await assert.rejects(a.invoke('SignalWebRtc', channel, 'bogus', OFFER), /Signal type must be 'offer', 'answer' or 'candidate'/);
      await a.invoke('SignalWebRtc', channel, 'offer', OFFER);
      await a.stop();
    });
  });
}
