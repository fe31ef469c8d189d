// The `rtc-kit` data channel in real calls (contract section 10): names and mute state, chat, files and
// <rtc-chat>, between this page and remote pages, each in a browser context of its own, over the hub.
import { expect } from '@open-wc/testing';
import '../src/index.js';
import type { RtcCall } from '../src/index.js';
import { hubUrl } from '/__rtc-test-env.js';
import { cleanUpCalls, createCall, newChannel, recordEvents, waitForState } from './helpers/call-helpers.js';
import { createMember, waitForPeers } from './helpers/group-helpers.js';
import { until } from './helpers/media-helpers.js';
import { RemotePage } from './helpers/remote-page.js';
import { SeedPeer } from './helpers/seed-peer.js';

const MB = 1024 * 1024;

/** A Blob of `size` bytes that is not all one byte: a random 1 MiB block, repeated, each copy marked with its index. */
function testFile(size: number, name: string): File {
  const block = new Uint8Array(MB);
  for (let at = 0; at < MB; at += 65536) crypto.getRandomValues(block.subarray(at, at + 65536));
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < size; at += MB) {
    const copy = block.slice(0, Math.min(MB, size - at));
    new DataView(copy.buffer).setUint32(0, at / MB);
    parts.push(copy);
  }
  return new File(parts, name, { type: 'application/octet-stream' });
}

async function sha256(blob: Blob): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** A remote person: a call in the remote page, recording the data channel's events. */
async function joinRemote(page: RemotePage, channel: string, settings: { displayName?: string; maxFileSize?: number } = {}): Promise<string> {
  return page.run(
    async (remote, channel, settings) => {
      const call = (remote.calls.member = remote.group.createMember(channel));
      if (settings.displayName) call.displayName = settings.displayName;
      if (settings.maxFileSize) call.maxFileSize = settings.maxFileSize;
      const log: Record<string, unknown[]> = { messages: [], progress: [], files: [], errors: [] };
      remote.store.log = log;
      call.addEventListener('rtc-message', (e) => log.messages!.push(e.detail));
      call.addEventListener('rtc-file-progress', (e) => log.progress!.push(e.detail));
      call.addEventListener('rtc-error', (e) => log.errors!.push({ code: e.detail.code, message: e.detail.message, fileId: e.detail.fileId }));
      call.addEventListener('rtc-file', async (e) => {
        const { id, from, name, size, type, blob } = e.detail;
        const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
        const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
        log.files!.push({ id, from, name, size, type, blobSize: blob.size, sha256: hex });
      });
      await call.start();
      return call.service.signaling!.connectionId!;
    },
    channel,
    settings,
  );
}

/** What a remote page recorded. */
function remoteLog(page: RemotePage): Promise<Record<string, Array<Record<string, unknown>>>> {
  return page.run((remote) => remote.store.log as Record<string, Array<Record<string, unknown>>>);
}

/** Polls a remote page's log until `check` passes (a failure bound only). */
async function untilRemote(page: RemotePage, check: (log: Record<string, Array<Record<string, unknown>>>) => boolean, what: string, timeoutMs = 15_000): Promise<Record<string, Array<Record<string, unknown>>>> {
  let last: Record<string, Array<Record<string, unknown>>> = {};
  await until(async () => check((last = await remoteLog(page))), what, timeoutMs);
  return last;
}

/** Each remote page's peers as it sees them: `{id, name, audioMuted, videoMuted, state}`. */
function remotePeers(page: RemotePage) {
  return page.run((remote) => remote.calls.member!.peers.map(({ id, name, audioMuted, videoMuted, state }) => ({ id, name, audioMuted, videoMuted, state })));
}

/** The local call's data-channel events. */
function record(call: RtcCall) {
  return recordEvents(call, ['rtc-message', 'rtc-file-progress', 'rtc-file', 'rtc-error']) as unknown as Map<string, CustomEvent[]>;
}

describe('the rtc-kit data channel in real calls', function () {
  this.timeout(120_000);
  let pages: RemotePage[] = [];

  before(async () => {
    pages = await Promise.all([RemotePage.open(), RemotePage.open()]);
  });
  after(() => RemotePage.closeAll());
  afterEach(async () => {
    await cleanUpCalls();
    await Promise.all(pages.map((page) => page.run(async (remote) => {
      await remote.calls.member?.hangup();
      remote.calls.member?.remove();
    })));
  });

  /** This page and the first remote page in a call; resolves with the local call and the remote id. */
  async function pair(prefix: string, local: { displayName?: string; maxFileSize?: number } = {}, far: { displayName?: string; maxFileSize?: number } = {}) {
    const channel = newChannel(prefix);
    const call = createMember(channel);
    if (local.displayName) call.displayName = local.displayName;
    if (local.maxFileSize) call.maxFileSize = local.maxFileSize;
    const log = record(call);
    await call.start();
    const remoteId = await joinRemote(pages[0]!, channel, far);
    await call.call();
    await waitForPeers(call, 1, 15_000);
    return { call, log, remoteId, channel };
  }

  it('names and mute state go both ways: peers entries, the default page\'s tile and the peer grid\'s', async () => {
    const { call, remoteId } = await pair('names', { displayName: 'Ana' }, { displayName: 'Bo 🎉 보' });
    // The default page (the call screen) shows one peer as a tile of its own.
    const tile = (root: ShadowRoot | null | undefined, part: string) => root?.querySelector(`[part~="tile"] [part~="${part}"]`) ?? null;
    await until(() => call.peers[0]?.name === 'Bo 🎉 보', 'the remote name here');
    await until(async () => (await remotePeers(pages[0]!))[0]?.name === 'Ana', 'our name there');
    expect(call.peers.map(({ id, name, audioMuted, videoMuted }) => ({ id, name, audioMuted, videoMuted }))).to.deep.equal([{ id: remoteId, name: 'Bo 🎉 보', audioMuted: false, videoMuted: false }]);

    // Our mute, there.
    call.audioMuted = true;
    await until(async () => (await remotePeers(pages[0]!))[0]?.audioMuted === true, 'our microphone muted there');
    expect((await remotePeers(pages[0]!))[0]).to.include({ name: 'Ana', audioMuted: true, videoMuted: false });
    // Their mute, here, and on the tile.
    await pages[0]!.run((remote) => void (remote.calls.member!.videoMuted = true));
    await pages[0]!.run((remote) => void (remote.calls.member!.audioMuted = true));
    await until(() => call.peers[0]?.audioMuted === true && call.peers[0]?.videoMuted === true, 'their mute here');
    await until(() => !!tile(call.shadowRoot, 'muted-badge'), 'the muted badge on the default page\'s tile');
    expect(tile(call.shadowRoot, 'name')!.textContent).to.contain('Bo 🎉 보');
    // A layout of the page's own, with <rtc-peer-grid>: the same on its tile.
    const grid = document.createElement('rtc-peer-grid');
    call.append(grid);
    await until(() => !!tile(grid.shadowRoot, 'muted-badge'), 'the muted badge on the grid\'s tile');
    expect(tile(grid.shadowRoot, 'name')!.textContent).to.contain('Bo 🎉 보');
    // And back.
    await pages[0]!.run((remote) => void (remote.calls.member!.audioMuted = false));
    await until(() => call.peers[0]?.audioMuted === false, 'their unmute here');
    await until(() => !tile(grid.shadowRoot, 'muted-badge'), 'the badge gone');
    expect(tile(grid.shadowRoot, 'name')).not.to.equal(null);
    // A new display name is sent too.
    call.displayName = 'Ana María';
    await until(async () => (await remotePeers(pages[0]!))[0]?.name === 'Ana María', 'the new name there');
  });

  for (let round = 1; round <= 3; round++) {
    it(`both press Call at once (glare), round ${round}: the channel survives the rollback, names and chat go both ways`, async () => {
      const channel = newChannel(`dc-glare-${round}`);
      const call = createMember(channel);
      call.displayName = 'Ana';
      const log = record(call);
      await call.start();
      await joinRemote(pages[0]!, channel, { displayName: 'Bo' });
      const at = Date.now() + 300;
      await pages[0]!.run(async (remote, at) => {
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
        void remote.calls.member!.call().catch(() => {});
      }, at);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
      void call.call().catch(() => {});
      await waitForPeers(call, 1, 15_000);
      await until(() => call.peers[0]?.name === 'Bo', 'their name here', 10_000);
      await until(async () => (await remotePeers(pages[0]!))[0]?.name === 'Ana', 'our name there', 10_000);
      await pages[0]!.run((remote) => remote.calls.member!.sendMessage('after glare'));
      await until(() => log.get('rtc-message')!.length === 1, 'their message here');
      expect(log.get('rtc-message')![0]!.detail.text).to.equal('after glare');
    });
  }

  it('a group call: the channel comes after the media, one per pair, and what was sent before it arrives', async () => {
    // Every description this page sets, by connection: whether it has an m=application section.
    const described = new Map<RTCPeerConnection, string[]>();
    const proto = RTCPeerConnection.prototype;
    const { setLocalDescription, setRemoteDescription } = proto;
    const note = (pc: RTCPeerConnection, side: string, d: { type?: RTCSdpType; sdp?: string } | undefined) => {
      if (d?.type === 'offer' || d?.type === 'answer') described.set(pc, [...(described.get(pc) ?? []), `${side} ${d.type}${/^m=application /m.test(d.sdp ?? '') ? ' +channel' : ''}`]);
    };
    const recording = (original: (...args: never[]) => Promise<void>, side: string) =>
      function (this: RTCPeerConnection, ...args: never[]) {
        note(this, side, args[0]);
        return original.apply(this, args);
      };
    proto.setLocalDescription = recording(setLocalDescription, 'local') as typeof setLocalDescription;
    proto.setRemoteDescription = recording(setRemoteDescription, 'remote') as typeof setRemoteDescription;
    try {
      const channel = newChannel('dc-group');
      const call = createMember(channel);
      call.displayName = 'Ana';
      const log = record(call);
      await call.start();
      const ids = [await joinRemote(pages[0]!, channel, { displayName: 'Bo' }), await joinRemote(pages[1]!, channel, { displayName: 'Chi' })];
      // Sent as the first peer connects: no channel can exist yet (it comes once every link is up), so
      // it waits for each peer's channel, and must still reach both.
      let early = false;
      call.addEventListener('rtc-peer-state', (e) => {
        if (e.detail.state !== 'connected' || early) return;
        early = true;
        void call.sendMessage('sent before any channel');
      });
      await call.call();
      await waitForPeers(call, 2, 20_000);
      // Names go every way, over the three channels, Bo's and Chi's own included.
      const names = (peers: Array<{ name: string | null }>) => peers.map((p) => p.name).sort().join(',');
      await until(() => names(call.peers) === 'Bo,Chi', 'both names here', 15_000);
      await until(async () => names(await remotePeers(pages[0]!)) === 'Ana,Chi', 'Ana and Chi at Bo', 15_000);
      await until(async () => names(await remotePeers(pages[1]!)) === 'Ana,Bo', 'Ana and Bo at Chi', 15_000);
      for (const page of pages) {
        const seen = await untilRemote(page, (l) => l.messages!.length === 1, 'the early message');
        expect(seen.messages!.map((m) => [m.name, m.text])).to.deep.equal([['Ana', 'sent before any channel']]);
        expect(seen.errors).to.deep.equal([]);
      }
      // Here: each peer's connection first negotiated without the channel, then with it.
      for (const peer of call.peers) {
        const steps = described.get(peer.connection!) ?? [];
        expect(steps.slice(0, 2), `the first offer and answer with ${peer.name}`).to.deep.equal(['local offer', 'remote answer']);
        expect(steps.slice(2).some((step) => step.endsWith('+channel')), `a later step with ${peer.name}: ${steps.join('; ')}`).to.equal(true);
      }
      expect(ids).to.have.members(call.peers.map((p) => p.id));
      expect(log.get('rtc-error')).to.deep.equal([]);
    } finally {
      proto.setLocalDescription = setLocalDescription;
      proto.setRemoteDescription = setRemoteDescription;
    }
  });

  it('chat between three people: each sender\'s messages in order, Unicode intact, 16 KB at most with a clear error', async () => {
    const channel = newChannel('chat3');
    const call = createMember(channel);
    call.displayName = 'Ana';
    const log = record(call);
    await call.start();
    const ids = [await joinRemote(pages[0]!, channel, { displayName: 'Bo' }), await joinRemote(pages[1]!, channel, { displayName: 'Chi' })];
    await call.call();
    await waitForPeers(call, 2, 20_000);
    await Promise.all(pages.map((page) => page.run((remote) => remote.group.waitForPeers(remote.calls.member!, 2, 15_000))));

    const texts = ['안녕하세요', 'مرحبا بكم', '👋🏽 👨‍👩‍👧‍👦 🇰🇷', 'plain', 'mixed 한국어 العربية 🎉'];
    const count = 30;
    const message = (from: string, i: number) => `${from} #${i}: ${texts[i % texts.length]}`;
    // All three send at once, interleaved.
    await Promise.all([
      (async () => {
        for (let i = 0; i < count; i++) await call.sendMessage(message('Ana', i));
      })(),
      ...pages.map((page, p) =>
        page.run(
          async (remote, from, count, texts) => {
            for (let i = 0; i < count; i++) await remote.calls.member!.sendMessage(`${from} #${i}: ${texts[i % texts.length]}`);
          },
          p ? 'Chi' : 'Bo',
          count,
          texts,
        ),
      ),
    ]);
    const expected = (from: string) => Array.from({ length: count }, (_, i) => message(from, i));
    await until(() => log.get('rtc-message')!.length === count * 2, 'every message here', 20_000);
    const here = log.get('rtc-message')!.map((e) => e.detail);
    expect(here.filter((m) => m.name === 'Bo').map((m) => m.text)).to.deep.equal(expected('Bo'));
    expect(here.filter((m) => m.name === 'Chi').map((m) => m.text)).to.deep.equal(expected('Chi'));
    expect(here.filter((m) => m.name === 'Bo').every((m) => m.from === ids[0])).to.equal(true);
    expect(here.every((m) => typeof m.at === 'number')).to.equal(true);
    for (const [p, page] of pages.entries()) {
      const seen = await untilRemote(page, (l) => l.messages!.length === count * 2, `every message at ${p ? 'Chi' : 'Bo'}`, 20_000);
      const texts = (name: string) => seen.messages!.filter((m) => m.name === name).map((m) => m.text);
      expect(texts('Ana')).to.deep.equal(expected('Ana'));
      expect(texts(p ? 'Bo' : 'Chi')).to.deep.equal(expected(p ? 'Bo' : 'Chi'));
    }

    // 16 KB: exactly 16,384 bytes of UTF-8 goes; one more byte is refused with a clear error, and nothing is sent.
    const exact = '가'.repeat(5000) + '😀'.repeat(346) + 'a'.repeat(16384 - 15000 - 1384);
    const refused = await call.sendMessage(exact + 'b').then(
      () => null,
      (error) => error,
    );
    expect(refused?.code).to.equal('message-too-large');
    expect(refused?.message).to.equal('A chat message can be at most 16 KB (16384 bytes of UTF-8); this one is 16385 bytes.');
    await call.sendMessage(exact);
    await call.sendMessage('after');
    for (const page of pages) {
      const seen = await untilRemote(page, (l) => l.messages!.some((m) => m.text === 'after'), 'the last message');
      expect(seen.messages!.slice(count * 2).map((m) => m.text)).to.deep.equal([exact, 'after']);
    }
  });

  it('a 20 MB file arrives whole, its SHA-256 verified, with progress on both sides', async () => {
    const { call, log, remoteId } = await pair('file20');
    const file = testFile(20 * MB, 'twenty.bin');
    const digest = await sha256(file);
    const id = await call.sendFile(file);
    const seen = await untilRemote(pages[0]!, (l) => l.files!.length === 1, 'the file there', 60_000);
    expect(seen.files![0]).to.deep.include({ id, name: 'twenty.bin', size: 20 * MB, blobSize: 20 * MB, type: 'application/octet-stream', sha256: digest });
    expect(seen.errors).to.deep.equal([]);
    const received = seen.progress!.filter((p) => p.id === id).map((p) => p.received as number);
    expect(received[0]).to.equal(0);
    expect(received.at(-1)).to.equal(20 * MB);
    const sent = log.get('rtc-file-progress')!.map((e) => e.detail).filter((p) => p.id === id);
    expect(sent[0]).to.include({ sent: 0, size: 20 * MB });
    expect(sent.at(-1)).to.include({ sent: 20 * MB });
    expect(log.get('rtc-error')).to.deep.equal([]);
    expect(seen.progress!.find((p) => p.id === id)!.from).to.equal(call.service.signaling!.connectionId);
    void remoteId;
  });

  it('a 200 MB file never has more than the bounded queue (1 MiB) in flight, sampled through the send', async () => {
    const { call } = await pair('file200', { maxFileSize: 300 * MB }, { maxFileSize: 300 * MB });
    // Every binary send on the rtc-kit channel: what was queued, plus the chunk.
    const peak = { bytes: 0, sends: 0 };
    const send = RTCDataChannel.prototype.send;
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      if (this.label === 'rtc-kit' && typeof data !== 'string') {
        peak.bytes = Math.max(peak.bytes, this.bufferedAmount + (data as ArrayBufferView).byteLength);
        peak.sends++;
      }
      return send.call(this, data);
    };
    try {
      const file = testFile(200 * MB, 'two-hundred.bin');
      const digest = await sha256(file);
      const id = await call.sendFile(file);
      const seen = await untilRemote(pages[0]!, (l) => l.files!.length === 1, 'the file there', 60_000);
      expect(seen.files![0]).to.deep.include({ id, size: 200 * MB, sha256: digest });
    } finally {
      RTCDataChannel.prototype.send = send;
    }
    expect(peak.sends).to.be.at.least(Math.ceil((200 * MB) / 65536));
    expect(peak.bytes).to.be.at.most(MB);
  });

  it('a peer that hangs up mid-file: file-failed on both sides, and nothing delivered', async () => {
    const { call, log } = await pair('file-left');
    const file = testFile(60 * MB, 'left.bin');
    const sending = call.sendFile(file).then(
      () => null,
      (error) => error,
    );
    // Mid-file: once some of it arrived there, the receiver hangs up.
    await untilRemote(pages[0]!, (l) => l.progress!.some((p) => (p.received as number) > 2 * MB), 'part of the file there', 30_000);
    await pages[0]!.run(async (remote) => void (await remote.calls.member!.hangup()));
    const seen = await untilRemote(pages[0]!, (l) => l.errors!.some((e) => e.code === 'file-failed'), 'file-failed there');
    expect(seen.files).to.deep.equal([]);
    expect(seen.errors!.find((e) => e.code === 'file-failed')!.message).to.contain('closed before "left.bin" arrived');
    await until(() => log.get('rtc-error')!.some((e) => e.detail.code === 'file-failed'), 'file-failed here', 20_000);
    const here = log.get('rtc-error')!.find((e) => e.detail.code === 'file-failed')!;
    expect(here.detail.message).to.contain('closed before "left.bin" arrived');
    expect((await sending)?.code).to.equal('file-failed');
  });

  it('the sender hangs up mid-file: file-failed on both sides, and its sendFile() rejects rather than hangs', async () => {
    const { call, log } = await pair('file-hangup');
    const sending = call.sendFile(testFile(60 * MB, 'gone.bin')).then(
      () => null,
      (error) => error,
    );
    await untilRemote(pages[0]!, (l) => l.progress!.some((p) => (p.received as number) > 2 * MB), 'part of the file there', 30_000);
    await call.hangup();
    expect((await sending)?.message).to.contain('closed before "gone.bin" arrived');
    expect(log.get('rtc-error')!.filter((e) => e.detail.code === 'file-failed')).to.have.length(1);
    const seen = await untilRemote(pages[0]!, (l) => l.errors!.some((e) => e.code === 'file-failed'), 'file-failed there', 20_000);
    expect(seen.errors!.find((e) => e.code === 'file-failed')!.message).to.contain('closed before "gone.bin" arrived');
    expect(seen.files).to.deep.equal([]);
  });

  it('a file over the receiver\'s max-file-size: file-failed on both sides, and no byte of it sent', async () => {
    const { call, log } = await pair('file-big', {}, { maxFileSize: MB });
    const failure = await call.sendFile(testFile(2 * MB, 'big.bin')).then(
      () => null,
      (error) => error,
    );
    expect(failure?.code).to.equal('file-failed');
    expect(failure?.message).to.contain('refused "big.bin": it is over their file size limit');
    const seen = await untilRemote(pages[0]!, (l) => l.errors!.some((e) => e.code === 'file-failed'), 'file-failed there');
    expect(seen.errors![0]!.message).to.contain('"big.bin" from');
    expect(seen.errors![0]!.message).to.contain('over the 1.0 MB limit');
    expect(seen.files).to.deep.equal([]);
    expect(seen.progress!.filter((p) => (p.received as number) > 0)).to.deep.equal([]);
    expect(log.get('rtc-error')!.some((e) => e.detail.code === 'file-failed')).to.equal(true);
    // The sender's own limit: refused here at once, before anything is offered.
    call.maxFileSize = MB;
    const own = await call.sendFile(testFile(2 * MB, 'own.bin')).then(
      () => null,
      (error) => error,
    );
    expect(own?.message).to.equal('"own.bin" is 2.0 MB, over the 1.0 MB limit for files, so it was not sent.');
  });

  it('cancelFile(id) mid-file: file-failed on both sides', async () => {
    const { call, log } = await pair('file-cancel');
    const sending = call.sendFile(testFile(60 * MB, 'cancel.bin')).then(
      () => null,
      (error) => error,
    );
    await until(() => log.get('rtc-file-progress')!.some((e) => e.detail.sent > 0), 'the send under way', 20_000);
    call.cancelFile(log.get('rtc-file-progress')![0]!.detail.id);
    expect((await sending)?.message).to.equal('Sending "cancel.bin" was cancelled.');
    const seen = await untilRemote(pages[0]!, (l) => l.errors!.some((e) => e.code === 'file-failed'), 'file-failed there');
    expect(seen.errors![0]!.message).to.contain('cancelled "cancel.bin"');
    expect(seen.files).to.deep.equal([]);
  });

  it('<rtc-chat> in the call shows a peer\'s <img onerror> message as text, never as HTML', async () => {
    const channel = newChannel('xss');
    const call = createMember(channel);
    const chat = document.createElement('rtc-chat');
    call.append(chat);
    await call.start();
    await joinRemote(pages[0]!, channel, { displayName: 'Mallory <b>' });
    await call.call();
    await waitForPeers(call, 1, 15_000);
    const evil = '<img src=x onerror="window.__rtcPwned=1">';
    await pages[0]!.run((remote, text) => remote.calls.member!.sendMessage(text), evil);
    await until(() => !!chat.shadowRoot?.querySelector('[part~="text"]'), 'the message in <rtc-chat>');
    const text = chat.shadowRoot!.querySelector('[part~="text"]')!;
    expect(text.textContent).to.equal(evil);
    expect(chat.shadowRoot!.querySelector('img')).to.equal(null);
    expect(chat.shadowRoot!.querySelector('[part~="sender"]')!.textContent).to.contain('Mallory <b>');
    expect(chat.shadowRoot!.querySelector('b')).to.equal(null);
    expect((window as { __rtcPwned?: number }).__rtcPwned).to.equal(undefined);
  });
});

describe('the data channel and the seed\'s Rtc page, which opens none', function () {
  this.timeout(60_000);
  let seed: SeedPeer | null = null;
  afterEach(async () => {
    await seed?.stop();
    seed = null;
    await cleanUpCalls();
  });

  it('the seed page calls rtc-kit: connected, with no data channel and no second offer', async () => {
    const channel = newChannel('seed-dc');
    const call = createCall('async', channel);
    const errors = recordEvents(call, ['rtc-error']);
    await call.start();
    seed = new SeedPeer('async', `${hubUrl}/messagehub`, channel);
    await seed.start();
    await seed.call();
    await waitForState(call, 'connected', 15_000);
    const pc = call.peers[0]!.connection!;
    expect(pc.remoteDescription!.sdp).not.to.match(/^m=application /m);
    expect(pc.localDescription!.sdp).not.to.match(/^m=application /m);
    expect(call.peers[0]).to.include({ name: null, audioMuted: false, videoMuted: false });
    // A message goes nowhere and fails nothing.
    await call.sendMessage('anyone?');
    expect(errors.get('rtc-error')).to.deep.equal([]);
    expect(pc.signalingState).to.equal('stable');
  });

  it('rtc-kit calls the seed page: our offer carries the channel, and the call connects', async () => {
    const channel = newChannel('seed-dc');
    seed = new SeedPeer('async', `${hubUrl}/messagehub`, channel);
    await seed.start();
    const call = createCall('async', channel);
    await call.start();
    await call.call();
    expect(call.state).to.equal('connected');
    expect(call.peers[0]!.connection!.localDescription!.sdp).to.match(/^m=application /m);
    await until(() => seed!.connectionState === 'connected', 'the seed peer to connect', 10_000);
  });
});
