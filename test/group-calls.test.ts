// Group calls (contract section 7): up to six people in one channel, a full mesh, each pair with its own
// RTCPeerConnection. Four people here, in four browser contexts: this page and three remote pages.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { cleanUpCalls, newChannel, recordEvents } from './helpers/call-helpers.js';
import { createMember, framesFromEveryPeer, videoCaps, waitForPeers } from './helpers/group-helpers.js';
import { until } from './helpers/media-helpers.js';
import { RemotePage } from './helpers/remote-page.js';

/** One person: this page, or a remote page. Each has at most one call. */
interface Person {
  /** Puts the person in `channel` (start()); resolves with their connection id. */
  join(channel: string, hubUrl?: string): Promise<string>;
  call(): Promise<void>;
  /** Calls at the epoch time `at`, on the clock every page shares. */
  callAt(at: number): Promise<void>;
  hangup(): Promise<void>;
  /** Waits until `count` peers are connected and frames come from each; resolves with their ids, sorted. */
  connectedTo(count: number): Promise<string[]>;
  state(): Promise<string>;
  errors(): Promise<string[]>;
  peerLeaves(): Promise<string[]>;
  caps(): Promise<number[]>;
}

function localPerson(): Person {
  let call: RtcCall | null = null;
  let log: Map<string, Event[]>;
  return {
    async join(channel, hubUrl) {
      call = createMember(channel, hubUrl);
      log = recordEvents(call, ['rtc-error', 'rtc-peer-leave']);
      await call.start();
      return call.service.signaling!.connectionId!;
    },
    call: () => call!.call(),
    async callAt(at) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      void call!.call().catch(() => {});
    },
    hangup: async () => void (await call?.hangup()),
    async connectedTo(count) {
      await waitForPeers(call!, count, 12_000);
      return (await framesFromEveryPeer(call!, 6_000)).sort();
    },
    state: async () => call!.state,
    errors: async () => log.get('rtc-error')!.map((e) => `${(e as CustomEvent).detail.code}: ${(e as CustomEvent).detail.message}`),
    peerLeaves: async () => log.get('rtc-peer-leave')!.map((e) => (e as CustomEvent).detail.peerId),
    caps: async () => Object.values(videoCaps(call!)).map(Number),
  };
}

function remotePerson(page: RemotePage): Person {
  return {
    join: (channel, hubUrl) =>
      page.run(
        async (remote, channel, hubUrl) => {
          const call = (remote.calls.member = remote.group.createMember(channel, hubUrl || undefined));
          const log = (remote.store.log = remote.helpers.recordEvents(call, ['rtc-error', 'rtc-peer-leave']));
          void log;
          await call.start();
          return call.service.signaling!.connectionId!;
        },
        channel,
        hubUrl ?? '',
      ),
    // A remote call() is not awaited to the end: a server command may take 20 s at most. connectedTo waits.
    call: () => page.run((remote) => void remote.calls.member!.call().catch(() => {})),
    callAt: (at) =>
      page.run(async (remote, at) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
        void remote.calls.member!.call().catch(() => {});
      }, at),
    hangup: () => page.run(async (remote) => void (await remote.calls.member?.hangup())),
    connectedTo: (count) =>
      page.run(async (remote, count) => {
        // Within the 20 s a server command may take.
        await remote.group.waitForPeers(remote.calls.member!, count, 12_000);
        return (await remote.group.framesFromEveryPeer(remote.calls.member!, 6_000)).sort();
      }, count),
    state: () => page.run((remote) => remote.calls.member!.state),
    errors: () => page.run((remote) => (remote.store.log as Map<string, CustomEvent[]>).get('rtc-error')!.map((e) => `${e.detail.code}: ${e.detail.message}`)),
    peerLeaves: () => page.run((remote) => (remote.store.log as Map<string, CustomEvent[]>).get('rtc-peer-leave')!.map((e) => e.detail.peerId)),
    caps: () => page.run((remote) => Object.values(remote.group.videoCaps(remote.calls.member!)).map(Number)),
  };
}

describe('group calls, four people in four browser contexts', function () {
  this.timeout(90_000);
  let pages: RemotePage[] = [];
  let people: Person[] = [];

  before(async () => {
    pages = await Promise.all([RemotePage.open(), RemotePage.open(), RemotePage.open()]);
  });
  after(() => RemotePage.closeAll());
  beforeEach(() => {
    people = [localPerson(), ...pages.map(remotePerson)];
  });
  afterEach(async () => {
    await Promise.all(people.map((person) => person.hangup().catch(() => {})));
    await cleanUpCalls();
    await Promise.all(pages.map((page) => page.run((remote) => void remote.calls.member?.remove())));
  });

  /** Everyone joins `channel`; resolves with their connection ids. */
  const joinAll = (group: Person[], channel: string, hubUrl?: string) => Promise.all(group.map((person) => person.join(channel, hubUrl)));

  /** Each person is connected to every other one, and gets frames from each. */
  async function expectMesh(group: Person[], ids: string[]): Promise<void> {
    const seen = await Promise.all(group.map((person) => person.connectedTo(group.length - 1)));
    seen.forEach((peers, i) => expect(peers, `person ${i}'s peers`).to.deep.equal(ids.filter((_, j) => j !== i).sort()));
    for (const person of group) expect(await person.errors()).to.deep.equal([]);
  }

  it('four people in one call: one calls, every one is connected to the other three and decodes frames from each', async () => {
    const ids = await joinAll(people, newChannel('four'));
    await people[0]!.call();
    await expectMesh(people, ids);
    expect(await Promise.all(people.map((p) => p.state()))).to.deep.equal(['connected', 'connected', 'connected', 'connected']);
  });

  it('a late joiner joins a running three-person call', async () => {
    const channel = newChannel('late');
    const three = people.slice(0, 3);
    const ids = await joinAll(three, channel);
    await three[0]!.call();
    await expectMesh(three, ids);
    ids.push(await people[3]!.join(channel));
    await people[3]!.call();
    await expectMesh(people, ids);
  });

  it('a member in a call keeps a connection ready for each member not in the call: made when they join the channel, answered on, and none for nobody', async () => {
    // Every RTCPeerConnection made in this page, where only the first person lives.
    const made: RTCPeerConnection[] = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = class extends Original {
      constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
        super(...args);
        made.push(this);
      }
    };
    try {
      const channel = newChannel('spares');
      const [first, second, third] = people as [Person, Person, Person];
      const ids = [await first.join(channel), await second.join(channel)];
      await first.call();
      await expectMesh([first, second], ids);
      // Linked with everyone in the channel: no connection is kept for nobody.
      const inCall = made.length;
      ids.push(await third.join(channel));
      await until(() => made.length > inCall, 'a connection made for the member who joined');
      await third.call();
      await expectMesh([first, second, third], ids);
      // Their offer was answered on it, and with everyone linked again, none more was made.
      expect(made.length).to.equal(inCall + 1);
    } finally {
      window.RTCPeerConnection = Original;
    }
  });

  it('one hangs up: the other three go on, each told rtc-peer-leave', async () => {
    const ids = await joinAll(people, newChannel('leave'));
    await people[1]!.call();
    await expectMesh(people, ids);
    await people[3]!.hangup();
    const rest = people.slice(0, 3);
    await expectMesh(rest, ids.slice(0, 3));
    for (const person of rest) {
      expect(await person.peerLeaves()).to.deep.equal([ids[3]]);
      expect(await person.state()).to.equal('connected');
    }
  });

  for (let round = 1; round <= 10; round++) {
    it(`all four press Call at once, round ${round}: one connection per pair, and no rtc-error`, async () => {
      const ids = await joinAll(people, newChannel(`glare4-${round}`));
      const at = Date.now() + 300;
      await Promise.all(people.map((person) => person.callAt(at)));
      await expectMesh(people, ids);
    });
  }

  it('each video sender is capped at max-bitrate / peers, and re-capped as people join and leave', async () => {
    const channel = newChannel('budget');
    const ids = await joinAll(people.slice(0, 2), channel);
    await people[0]!.call();
    await expectMesh(people.slice(0, 2), ids);
    const budget = 2_500_000;
    await until(async () => (await people[0]!.caps()).join() === `${budget}`, 'one peer: the whole budget', 5_000);
    ids.push(await people[2]!.join(channel));
    await people[2]!.call();
    await expectMesh(people.slice(0, 3), ids);
    await until(async () => (await people[0]!.caps()).join() === `${budget / 2},${budget / 2}`, 'two peers: half each', 5_000);
    ids.push(await people[3]!.join(channel));
    await people[3]!.call();
    await expectMesh(people, ids);
    const third = Math.floor(budget / 3);
    await until(async () => (await people[0]!.caps()).join() === `${third},${third},${third}`, 'three peers: a third each', 5_000);
    await people[3]!.hangup();
    await until(async () => (await people[0]!.caps()).join() === `${budget / 2},${budget / 2}`, 'back to two peers: half each', 8_000);
  });

  it('the channel cap (3): the fourth gets channel-full, and the three keep their call', async () => {
    const hub = (await executeServerCommand('start-hub', { args: ['--max-channel-members', '3'] })) as { id: string; url: string };
    try {
      const channel = newChannel('cap');
      const hubUrl = `${hub.url}/messagehub`;
      const ids = await joinAll(people.slice(0, 3), channel, hubUrl);
      await people[0]!.call();
      await expectMesh(people.slice(0, 3), ids);
      const refused = await people[3]!.join(channel, hubUrl).then(
        () => 'joined',
        (error: Error) => error.message,
      );
      expect(refused, 'start() rejects').to.contain(`The channel '${channel}' is full.`);
      expect(await people[3]!.state()).to.equal('failed');
      expect(await people[3]!.errors()).to.deep.equal([`channel-full: The channel '${channel}' is full.`]);
      await expectMesh(people.slice(0, 3), ids);
    } finally {
      await Promise.all(people.map((person) => person.hangup().catch(() => {})));
      await executeServerCommand('stop-hub', { id: hub.id });
    }
  });

  it('three people across two hub servers with Redis: the same full mesh', async () => {
    const redis = (await executeServerCommand('start-redis')) as { id: string; url: string };
    const hubs = await Promise.all([1, 2].map(() => executeServerCommand('start-hub', { args: ['--redis', redis.url] }) as Promise<{ id: string; url: string }>));
    try {
      const channel = newChannel('scale');
      const on = (i: number) => `${hubs[i % 2]!.url}/messagehub`;
      const three = people.slice(0, 3);
      const ids = await Promise.all(three.map((person, i) => person.join(channel, on(i))));
      await three[2]!.call();
      await expectMesh(three, ids);
    } finally {
      await Promise.all(people.map((person) => person.hangup().catch(() => {})));
      for (const hub of hubs) await executeServerCommand('stop-hub', { id: hub.id });
      await executeServerCommand('stop-redis', { id: redis.id });
    }
  });
});

