// The spare connections of a call (src/services/rtc/spare-connections.ts), against fake connections:
// each is handed out once, a closed one never, and dropping them closes every one, made or still coming.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpareConnections } from '../../src/services/rtc/spare-connections.js';

/** Just what the pool reads of a connection. */
type Fake = { n: number; signalingState: RTCSignalingState };

function pool() {
  let made = 0;
  const discarded: number[] = [];
  const spares = new SpareConnections(
    async () => ({ n: ++made, signalingState: 'stable' }) as Fake as unknown as RTCPeerConnection,
    (pc) => void discarded.push((pc as unknown as Fake).n),
  );
  return { spares, discarded, made: () => made };
}

const n = (pc: RTCPeerConnection | null) => (pc as unknown as Fake | null)?.n ?? null;

describe('SpareConnections', () => {
  it('fills up to the count asked for, and no further', () => {
    const { spares, made } = pool();
    spares.fill(3);
    spares.fill(2);
    assert.equal(spares.size, 3);
    assert.equal(made(), 3);
  });

  it('hands each spare out once, in order, also to links that ask at the same moment', async () => {
    const { spares } = pool();
    spares.fill(2);
    const taken = await Promise.all([spares.take(), spares.take(), spares.take()]);
    assert.deepEqual(taken.map(n), [1, 2, null]);
    assert.equal(spares.size, 0);
  });

  it('hands out a spare already made at once, not as a promise, so its link starts in the same task', async () => {
    const { spares } = pool();
    spares.fill(2);
    await new Promise((resolve) => setImmediate(resolve)); // every spare made
    const first = spares.take();
    assert.ok(first && !(first instanceof Promise), 'not a promise');
    assert.equal(n(first as RTCPeerConnection), 1);
  });

  it('never hands out a spare that was closed meanwhile', async () => {
    const { spares } = pool();
    spares.fill(2);
    const first = await spares.take();
    (first as unknown as Fake).signalingState = 'closed';
    spares.fill(2);
    // The list is now [2, 3]; close 2 as a browser would on its own (the page's connections were closed).
    const second = await spares.take();
    (second as unknown as Fake).signalingState = 'closed';
    assert.equal(n(await spares.take()), 3);
  });

  it('skips a spare whose making failed', async () => {
    let calls = 0;
    const spares = new SpareConnections(
      async () => {
        if (++calls === 1) throw new Error('no camera');
        return { n: calls, signalingState: 'stable' } as Fake as unknown as RTCPeerConnection;
      },
      () => {},
    );
    spares.fill(2);
    assert.equal(n(await spares.take()), 2);
  });

  it('drop() closes every spare, those still being made too', async () => {
    const { spares, discarded } = pool();
    spares.fill(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first made
    spares.fill(2); // the second still coming
    spares.drop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(discarded.sort(), [1, 2]);
    assert.equal(spares.size, 0);
  });
});
