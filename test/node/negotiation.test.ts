// The shared negotiation policy (src/services/rtc/negotiation.ts), branch by branch, against a fake
// connection that keeps the JSEP signaling states as a browser does and refuses what a browser refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPolite, Negotiation, type NegotiationTarget } from '../../src/services/rtc/negotiation.js';

type Description = RTCSessionDescriptionInit;

/** A connection that moves through the signaling states by the rules of JSEP, and records what was done to it. */
class FakeConnection implements NegotiationTarget {
  signalingState: RTCSignalingState = 'stable';
  localDescription: Description | null = null;
  remoteDescription: Description | null = null;
  readonly log: string[] = [];
  readonly added: string[] = [];
  /** Candidates the fake refuses, as a browser refuses one of another ICE generation. */
  readonly refuse = new Set<string>();
  /** Makes the next remote offer fail, as a browser fails SDP it cannot parse. */
  failNextRemote = false;
  /** Makes the next local description fail to apply. */
  failNextLocal = false;
  private offers = 0;

  async createOffer(): Promise<Description> {
    await tick();
    return { type: 'offer', sdp: `local offer ${++this.offers}` };
  }

  async createAnswer(): Promise<Description> {
    await tick();
    if (this.signalingState !== 'have-remote-offer') throw wrongState('createAnswer', this.signalingState);
    return { type: 'answer', sdp: `answer to ${this.remoteDescription!.sdp}` };
  }

  async setLocalDescription(description: Description): Promise<void> {
    await tick();
    if (this.failNextLocal) {
      this.failNextLocal = false;
      throw new Error('InvalidModificationError: the SDP does not match the previously generated SDP');
    }
    if (description.type === 'offer') {
      if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') throw wrongState('setLocalDescription(offer)', this.signalingState);
      this.signalingState = 'have-local-offer';
    } else {
      if (this.signalingState !== 'have-remote-offer') throw wrongState('setLocalDescription(answer)', this.signalingState);
      this.signalingState = 'stable';
    }
    this.localDescription = description;
    this.log.push(`local ${description.type}`);
  }

  async setRemoteDescription(description: Description): Promise<void> {
    await tick();
    if (description.type === 'offer') {
      if (this.signalingState === 'have-local-offer') {
        // Implicit rollback (JSEP 4.1.10.2): the polite side's own offer goes.
        this.log.push('rollback');
        this.localDescription = null;
      } else if (this.failNextRemote) {
        this.failNextRemote = false;
        throw new Error('OperationError: the SDP could not be parsed');
      }
      // From stable, or again in have-remote-offer: both allowed (JSEP 4.1.10).
      this.signalingState = 'have-remote-offer';
    } else {
      if (this.signalingState !== 'have-local-offer') throw wrongState('setRemoteDescription(answer)', this.signalingState);
      this.signalingState = 'stable';
    }
    this.remoteDescription = description;
    this.log.push(`remote ${description.type}`);
  }

  async addIceCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    await tick();
    if (!this.remoteDescription) throw new Error('InvalidStateError: no remote description');
    if (this.refuse.has(candidate.candidate!)) throw new Error('OperationError: unknown ufrag');
    this.added.push(candidate.candidate!);
    this.log.push(`candidate ${candidate.candidate}`);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
const wrongState = (what: string, state: string) => new Error(`InvalidStateError: ${what} in state ${state}`);
const offer = (sdp = 'their offer'): Description => ({ type: 'offer', sdp });
const answer = (sdp = 'their answer'): Description => ({ type: 'answer', sdp });
const candidate = (name: string): RTCIceCandidateInit => ({ candidate: name, sdpMid: '0', sdpMLineIndex: 0 });

function negotiation(polite: boolean) {
  const pc = new FakeConnection();
  const failures: unknown[] = [];
  return { pc, failures, n: new Negotiation(pc, () => polite, (cause) => failures.push(cause)) };
}

describe('Negotiation: our offer', () => {
  it('in stable: makes it and hands it out to send at once, while it is applied; the next step waits for that', async () => {
    const { pc, n } = negotiation(true);
    assert.deepEqual(await n.offer(), { type: 'offer', sdp: 'local offer 1' });
    assert.equal(pc.signalingState, 'stable', 'handed out before setLocalDescription finished');
    await n.candidate(candidate('x'));
    await n.settled();
    assert.equal(pc.signalingState, 'have-local-offer');
    await n.settled();
    assert.deepEqual(pc.log, ['local offer']);
  });

  it('that fails to apply after it was handed out: the failure is reported', async () => {
    const { pc, n, failures } = negotiation(true);
    pc.failNextLocal = true;
    assert.deepEqual(await n.offer(), { type: 'offer', sdp: 'local offer 1' });
    await n.candidate(candidate('x'));
    assert.match(String(failures[0]), /InvalidModificationError/);
  });

  it('not in stable (a description of the peer came first): none, so the browser asks again later', async () => {
    const { pc, n } = negotiation(true);
    pc.signalingState = 'have-remote-offer'; // the peer's offer is applied, and our answer not made yet
    assert.equal(await n.offer(), null);
    await n.settled();
    assert.deepEqual(pc.log, []);
  });

  it('with no step before it: reaches the browser in the caller\'s task, before anything else the page runs', async () => {
    const { pc, n } = negotiation(true);
    const calls: string[] = [];
    const createOffer = pc.createOffer.bind(pc);
    const setRemoteDescription = pc.setRemoteDescription.bind(pc);
    pc.createOffer = () => (calls.push('createOffer'), createOffer());
    pc.setRemoteDescription = (description) => (calls.push(`setRemoteDescription(${description.type})`), setRemoteDescription(description));
    const ours = n.offer();
    assert.deepEqual(calls, ['createOffer'], 'asked of the browser before offer() returned');
    await ours;
    await n.settled();
    const answered = n.receive(answer());
    assert.deepEqual(calls, ['createOffer', 'setRemoteDescription(answer)']);
    await answered;
  });

  it('runs after a step already asked for: an offer never interleaves with the peer\'s offer', async () => {
    const { pc, n } = negotiation(true);
    const theirs = n.receive(offer());
    const ours = n.offer();
    assert.deepEqual(await theirs, { type: 'answer', sdp: 'answer to their offer' });
    assert.deepEqual(await ours, { type: 'offer', sdp: 'local offer 1' });
    await n.settled();
    assert.deepEqual(pc.log, ['remote offer', 'local answer', 'local offer']);
  });
});

describe('Negotiation: an offer from the peer', () => {
  for (const polite of [true, false]) {
    it(`in stable (${polite ? 'polite' : 'impolite'}): applied and answered`, async () => {
      const { pc, n } = negotiation(polite);
      assert.deepEqual(await n.receive(offer()), { type: 'answer', sdp: 'answer to their offer' });
      await n.settled();
    assert.equal(pc.signalingState, 'stable');
      await n.settled();
    assert.deepEqual(pc.log, ['remote offer', 'local answer']);
    });
  }

  it('in have-local-offer, polite (glare): our offer is rolled back, theirs applied and answered', async () => {
    const { pc, n } = negotiation(true);
    await n.offer();
    assert.deepEqual(await n.receive(offer()), { type: 'answer', sdp: 'answer to their offer' });
    await n.settled();
    assert.deepEqual(pc.log, ['local offer', 'rollback', 'remote offer', 'local answer']);
    await n.settled();
    assert.equal(pc.signalingState, 'stable');
  });

  it('in have-local-offer with our first offer, polite, with fresh(): a new connection answers, and the first is never rolled back', async () => {
    const first = new FakeConnection();
    const second = new FakeConnection();
    const n = new Negotiation(first, () => true, () => {}, undefined, async () => second);
    await n.offer();
    // The peer's candidates came before its offer: they go to the connection that answers.
    await n.candidate(candidate('theirs'));
    assert.deepEqual(await n.receive(offer()), { type: 'answer', sdp: 'answer to their offer' });
    await n.candidate(candidate('late'));
    await n.settled();
    assert.deepEqual(first.log, ['local offer']);
    assert.deepEqual(second.log, ['remote offer', 'candidate theirs', 'local answer', 'candidate late']);
    assert.equal(second.signalingState, 'stable');
    // Later steps use the new connection.
    assert.deepEqual(await n.offer(), { type: 'offer', sdp: 'local offer 1' });
    await n.settled();
    assert.equal(second.signalingState, 'have-local-offer');
  });

  it('in have-local-offer once negotiated before (a renegotiation), polite, with fresh(): rolled back as usual; the connection stays', async () => {
    const pc = new FakeConnection();
    let fresh = 0;
    const n = new Negotiation(pc, () => true, () => {}, undefined, async () => (fresh++, new FakeConnection()));
    await n.receive(offer('their first offer'));
    await n.offer();
    assert.deepEqual(await n.receive(offer('their second offer')), { type: 'answer', sdp: 'answer to their second offer' });
    await n.settled();
    assert.equal(fresh, 0);
    assert.deepEqual(pc.log, ['remote offer', 'local answer', 'local offer', 'rollback', 'remote offer', 'local answer']);
  });

  it('in have-local-offer, impolite (glare): theirs is ignored, ours stays out', async () => {
    const { pc, n } = negotiation(false);
    await n.offer();
    assert.equal(await n.receive(offer()), null);
    await n.settled();
    assert.equal(pc.signalingState, 'have-local-offer');
    await n.settled();
    assert.deepEqual(pc.log, ['local offer']);
    // The answer to our offer then completes the one negotiation.
    assert.equal(await n.receive(answer()), null);
    await n.settled();
    assert.equal(pc.signalingState, 'stable');
  });

  it('in have-remote-offer (an answer of ours failed before), polite: applied again and answered, as the browser allows', async () => {
    const { pc, n } = negotiation(true);
    pc.signalingState = 'have-remote-offer';
    pc.remoteDescription = offer('first');
    assert.deepEqual(await n.receive(offer('second')), { type: 'answer', sdp: 'answer to second' });
  });

  it('that the browser refuses: the step rejects, for the engine to report, and the next step still runs', async () => {
    const { pc, n } = negotiation(true);
    pc.failNextRemote = true;
    await assert.rejects(n.receive(offer('bad')), /could not be parsed/);
    assert.deepEqual(await n.receive(offer('good')), { type: 'answer', sdp: 'answer to good' });
  });

  it('in have-remote-offer, impolite: ignored', async () => {
    const { pc, n } = negotiation(false);
    pc.signalingState = 'have-remote-offer';
    assert.equal(await n.receive(offer()), null);
    await n.settled();
    assert.deepEqual(pc.log, []);
  });
});

describe('Negotiation: an answer from the peer', () => {
  it('to our offer: applied, nothing to send', async () => {
    const { pc, n } = negotiation(false);
    await n.offer();
    assert.equal(await n.receive(answer()), null);
    await n.settled();
    assert.deepEqual(pc.log, ['local offer', 'remote answer']);
  });

  for (const state of ['stable', 'have-remote-offer'] as const) {
    it(`stale, in ${state} (a repeat, or the answer to an offer we rolled back): ignored`, async () => {
      const { pc, n } = negotiation(true);
      pc.signalingState = state;
      assert.equal(await n.receive(answer()), null);
      await n.settled();
    assert.deepEqual(pc.log, []);
      await n.settled();
    assert.equal(pc.signalingState, state);
    });
  }
});

describe('Negotiation: candidates', () => {
  it('before the remote description: kept, and added right after it, in order, before the answer', async () => {
    const { pc, n } = negotiation(true);
    await n.candidate(candidate('a'));
    await n.candidate(candidate('b'));
    assert.equal(n.pendingCandidates, 2);
    assert.deepEqual(pc.added, []);
    await n.receive(offer());
    await n.settled();
    assert.deepEqual(pc.log, ['remote offer', 'candidate a', 'candidate b', 'local answer']);
    assert.equal(n.pendingCandidates, 0);
  });

  it('after the remote description: added at once', async () => {
    const { pc, n } = negotiation(true);
    await n.receive(offer());
    await n.candidate(candidate('c'));
    assert.deepEqual(pc.added, ['c']);
  });

  it('sent before their description but handled after it was asked for: never overtakes it', async () => {
    const { pc, n } = negotiation(true);
    const described = n.receive(offer());
    const added = n.candidate(candidate('d'));
    await Promise.all([described, added]);
    await n.settled();
    assert.deepEqual(pc.log, ['remote offer', 'local answer', 'candidate d']);
  });

  it('one the browser refuses (of an offer we ignored, or a replaced ICE generation) is dropped, and the rest go on', async () => {
    const { pc, n } = negotiation(false);
    await n.offer();
    await n.receive(offer()); // ignored: glare, impolite
    await n.candidate(candidate('of the ignored offer'));
    pc.refuse.add('of the ignored offer');
    await n.receive(answer());
    await n.candidate(candidate('e'));
    assert.deepEqual(pc.added, ['e']);
  });
});

describe('isPolite', () => {
  it('compares the call tags when both sides have one: exactly one side is polite', () => {
    assert.equal(isPolite('b', 'a'), true);
    assert.equal(isPolite('a', 'b'), false);
  });

  it('falls back to the session ids of the crossing offers for a peer that names itself in no signal', () => {
    const sdp = (id: string) => `v=0\r\no=- ${id} 2 IN IP4 127.0.0.1\r\ns=-\r\n`;
    assert.equal(isPolite('a', null, sdp('9000000000000000001'), sdp('9000000000000000000')), true);
    assert.equal(isPolite('a', null, sdp('9000000000000000000'), sdp('9000000000000000001')), false);
    assert.equal(isPolite(null, null, undefined, sdp('1')), true, 'with nothing to compare, yield');
  });
});

describe('withStartBitrate', () => {
  const sdp = [
    'v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=mid:0', 'a=rtpmap:111 opus/48000/2', 'a=fmtp:111 minptime=10;useinbandfec=1',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98', 'a=mid:1', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:97 rtx/90000', 'a=fmtp:97 apt=96',
    'a=rtpmap:98 H264/90000', 'a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1', '',
  ].join('\r\n');

  it('puts x-google-start-bitrate on each video codec, with or without an fmtp line, and on nothing else', async () => {
    const { withStartBitrate } = await import('../../src/services/rtc/start-bitrate.js');
    const out = withStartBitrate(sdp, 2000).split('\r\n');
    assert.ok(out.includes('a=fmtp:96 x-google-start-bitrate=2000'), 'VP8 gets an fmtp line right after its rtpmap');
    assert.equal(out[out.indexOf('a=rtpmap:96 VP8/90000') + 1], 'a=fmtp:96 x-google-start-bitrate=2000');
    assert.ok(out.includes('a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;x-google-start-bitrate=2000'));
    assert.ok(out.includes('a=fmtp:97 apt=96'), 'rtx untouched');
    assert.ok(out.includes('a=fmtp:111 minptime=10;useinbandfec=1'), 'audio untouched');
    assert.equal(out.filter((line) => line.includes('x-google-start-bitrate')).length, 2);
  });

  it('puts it in every video section of a bundle (a camera and a screen), once per codec line', async () => {
    const { withStartBitrate } = await import('../../src/services/rtc/start-bitrate.js');
    const second = ['m=video 9 UDP/TLS/RTP/SAVPF 96 98', 'a=mid:2', 'a=rtpmap:96 VP8/90000', 'a=rtpmap:98 H264/90000', 'a=fmtp:98 packetization-mode=1', ''].join('\r\n');
    const out = withStartBitrate(sdp + second, 1500).split('\r\n');
    const from = out.indexOf('a=mid:2');
    assert.equal(out[out.indexOf('a=rtpmap:96 VP8/90000', from) + 1], 'a=fmtp:96 x-google-start-bitrate=1500');
    assert.ok(out.slice(from).includes('a=fmtp:98 packetization-mode=1;x-google-start-bitrate=1500'));
    assert.equal(out.filter((line) => line.includes('x-google-start-bitrate')).length, 4);
  });
});
