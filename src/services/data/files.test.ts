// File transfer over real data channels between real RTCPeerConnections in this page: checksums, the
// bounded send queue, and every way a transfer fails, on both sides, with nothing half-delivered.
import { expect } from '@open-wc/testing';
import { closeMesh, dataMesh, randomBlob, sha256Hex, type MeshPeer } from '../../../test/helpers/data-mesh.js';
import { BlockHash, HASH_BLOCK } from './file-hash.js';
import { HIGH_WATER_MARK } from './file-send.js';
import type { FileSend } from './files.js';

const MB = 1024 * 1024;
let mesh: Map<string, MeshPeer> | null = null;

afterEach(() => {
  closeMesh(mesh);
  mesh = null;
});

/** Records every binary frame `channel` sends, and its queue right after each send (its highest point). */
function watchSends(channel: RTCDataChannel): { frames: number; maxBuffered: number; textsSent: string[] } {
  const seen = { frames: 0, maxBuffered: 0, textsSent: [] as string[] };
  const send = channel.send.bind(channel) as (data: string | ArrayBufferView<ArrayBuffer>) => void;
  channel.send = ((data: string | ArrayBufferView<ArrayBuffer>) => {
    send(data);
    if (typeof data === 'string') seen.textsSent.push(JSON.parse(data).t);
    else seen.frames++;
    seen.maxBuffered = Math.max(seen.maxBuffered, channel.bufferedAmount);
  }) as RTCDataChannel['send'];
  return seen;
}

/** The failure of `send` as its RtcError code and message, or 'resolved'. */
async function outcome(send: FileSend): Promise<string> {
  return send.done.then(
    () => 'resolved',
    (error) => `${error.code}: ${error.message}`,
  );
}

describe('file transfer', () => {
  it('sends a 20 MB file whose SHA-256 the receiver verifies, with progress on both sides', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const file = new File([randomBlob(20 * MB)], 'holiday.bin', { type: 'application/x-test' });
    const send = ana.files.send(file, [ana.links.get('bo')!]);
    expect(send.id).to.match(/^[0-9a-f]{18}$/);
    expect(ana.progress.items[0], 'the first report comes at once, before any byte').to.deep.equal({ id: send.id, name: 'holiday.bin', size: file.size, sent: 0 });
    await send.done;

    expect(bo.received.items).to.have.length(1);
    const got = bo.received.items[0];
    expect({ ...got, blob: null }).to.deep.equal({ id: send.id, from: 'ana', name: 'holiday.bin', size: file.size, type: 'application/x-test', blob: null });
    expect(got.blob.size).to.equal(file.size);
    expect(got.blob.type).to.equal('application/x-test');
    expect(await sha256Hex(got.blob)).to.equal(await sha256Hex(file));
    expect(bo.fileLoads, 'the file module was asked for once').to.equal(1);

    const sent = ana.progress.items.map((p) => p.sent!);
    expect(sent[sent.length - 1]).to.equal(file.size);
    expect(sent).to.deep.equal([...sent].sort((x, y) => x - y));
    const received = bo.progress.items.map((p) => p.received!);
    expect(received[0]).to.equal(0);
    expect(received[received.length - 1]).to.equal(file.size);
    expect(received).to.deep.equal([...received].sort((x, y) => x - y));
    expect(received.length, 'at most one report per whole percent').to.be.at.most(101).and.at.least(20);
    expect(bo.progress.items.every((p) => p.id === send.id && p.from === 'ana' && p.size === file.size && p.name === 'holiday.bin')).to.equal(true);
    expect([...ana.errors.items, ...bo.errors.items]).to.deep.equal([]);
  });

  it('sends 200 MB without ever queuing more than the bound in the channel', async function () {
    this.timeout(600_000);
    const limit = { maxFileSize: 256 * MB };
    mesh = await dataMesh(['ana', 'bo'], { ana: limit, bo: limit });
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const link = ana.links.get('bo')!;
    // 200 copies of one random megabyte: the Blob holds 200 MB, the JS heap only the one.
    const block = randomBlob(MB);
    const file = new Blob(Array.from({ length: 200 }, () => block));
    const watched = watchSends(link.channel!);
    const send = ana.files.send(file, [link]);
    await send.done;
    expect(bo.received.items).to.have.length(1);
    expect(bo.received.items[0].blob.size).to.equal(200 * MB);
    expect(watched.frames).to.equal((200 * MB) / 65536);
    expect(watched.maxBuffered, 'the queue never passed the bound').to.be.at.most(HIGH_WATER_MARK);
    expect(watched.maxBuffered, 'and the sender did fill it: backpressure was exercised').to.be.above(HIGH_WATER_MARK / 2);
    // The receiver's copy is whole: spot-check its first, a middle and its last megabyte against the source.
    const blob = bo.received.items[0].blob;
    for (const at of [0, 117 * MB, 199 * MB]) expect(await sha256Hex(blob.slice(at, at + MB))).to.equal(await sha256Hex(block));
  });

  it('sends one file to several peers at once, reading it once, and two files at once to one peer', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo', 'chi']);
    const [ana, bo, chi] = [mesh.get('ana')!, mesh.get('bo')!, mesh.get('chi')!];
    const first = new File([randomBlob(3 * MB + 17)], 'first.bin');
    const second = new File([randomBlob(MB)], 'second.txt', { type: 'text/plain' });
    let reads = 0;
    const slice = first.slice.bind(first);
    first.slice = (...args: Parameters<Blob['slice']>) => (reads++, slice(...args));
    const links = [ana.links.get('bo')!, ana.links.get('chi')!];
    const sends = [ana.files.send(first, links), ana.files.send(second, [ana.links.get('bo')!])];
    await Promise.all(sends.map((send) => send.done));
    expect(reads, 'one read per MiB, for both peers together').to.equal(Math.ceil(first.size / MB));
    for (const peer of [bo, chi]) {
      const got = peer.received.items.find((item) => item.name === 'first.bin')!;
      expect(await sha256Hex(got.blob)).to.equal(await sha256Hex(first));
    }
    const got = bo.received.items.find((item) => item.name === 'second.txt')!;
    expect(got.type).to.equal('text/plain');
    expect(await sha256Hex(got.blob)).to.equal(await sha256Hex(second));
    expect(chi.received.items.map((item) => item.name)).to.deep.equal(['first.bin']);
  });

  it('sends an empty file', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    await ana.files.send(new File([], 'empty.txt', { type: 'text/plain' }), [ana.links.get('bo')!]).done;
    expect(bo.received.items.map(({ name, size, blob }) => [name, size, blob.size])).to.deep.equal([['empty.txt', 0, 0]]);
  });

  it('a corrupted chunk fails the checksum: file-failed on both sides, and no file delivered', async function () {
    this.timeout(60_000);
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const channel = ana.links.get('bo')!.channel!;
    // Flip one payload byte of the third chunk on its way out: what the sender hashed is not what arrives.
    const send = channel.send.bind(channel) as (data: string | ArrayBufferView<ArrayBuffer>) => void;
    let chunks = 0;
    channel.send = ((data: string | Uint8Array<ArrayBuffer>) => {
      if (typeof data !== 'string' && ++chunks === 3) {
        const bad = data.slice();
        bad[1000] ^= 0xff;
        return send(bad);
      }
      send(data);
    }) as RTCDataChannel['send'];
    const file = new File([randomBlob(2 * MB)], 'report.pdf');
    const transfer = ana.files.send(file, [ana.links.get('bo')!]);
    expect(await outcome(transfer)).to.equal('file-failed: "report.pdf" arrived damaged at bo (its SHA-256 did not match), so it was dropped there.');
    await bo.errors.until((items) => items.length === 1, 'bo reports it');
    expect(bo.errors.items[0].error.code).to.equal('file-failed');
    expect(bo.errors.items[0].error.message).to.equal('"report.pdf" from ana arrived damaged (its SHA-256 did not match), so it was dropped.');
    expect({ id: bo.errors.items[0].id, peerId: bo.errors.items[0].peerId }).to.deep.equal({ id: transfer.id, peerId: 'ana' });
    expect(ana.errors.items.map(({ id, peerId, error }) => [id, peerId, error.code])).to.deep.equal([[transfer.id, 'bo', 'file-failed']]);
    expect(bo.received.items).to.deep.equal([]);
  });

  it('a receiver that closes mid-file: file-failed on both sides; the other receiver still gets its copy', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo', 'chi']);
    const [ana, bo, chi] = [mesh.get('ana')!, mesh.get('bo')!, mesh.get('chi')!];
    const file = new File([randomBlob(12 * MB)], 'video.webm');
    const transfer = ana.files.send(file, [ana.links.get('bo')!, ana.links.get('chi')!]);
    await chi.progress.until((items) => items.some((p) => p.received! >= 2 * MB), 'chi has part of the file');
    chi.leave();
    expect(await outcome(transfer)).to.equal('file-failed: The connection to chi closed before "video.webm" arrived.');
    expect(ana.errors.items.map(({ peerId, error }) => [peerId, error.code])).to.deep.equal([['chi', 'file-failed']]);
    expect(chi.errors.items.map(({ id, peerId, error }) => [id, peerId, error.code, error.message])).to.deep.equal([
      [transfer.id, 'ana', 'file-failed', 'The connection to ana closed before "video.webm" arrived; what had arrived was dropped.'],
    ]);
    expect(chi.received.items).to.deep.equal([]);
    expect(bo.received.items).to.have.length(1);
    expect(await sha256Hex(bo.received.items[0].blob)).to.equal(await sha256Hex(file));
    expect(bo.errors.items).to.deep.equal([]);
  });

  it('a sender that closes mid-file: file-failed on both sides, nothing delivered', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const transfer = ana.files.send(new File([randomBlob(12 * MB)], 'big.iso'), [ana.links.get('bo')!]);
    await bo.progress.until((items) => items.some((p) => p.received! >= MB), 'bo has part of the file');
    ana.leave();
    expect(await outcome(transfer)).to.equal('file-failed: The connection to bo closed before "big.iso" arrived.');
    await bo.errors.until((items) => items.length === 1, 'bo sees the sender go');
    expect(bo.errors.items[0].error.message).to.equal('The connection to ana closed before "big.iso" arrived; what had arrived was dropped.');
    expect(bo.received.items).to.deep.equal([]);
  });

  it('a file sent to a connection that already closed fails at once for that peer', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const channel = ana.links.get('bo')!.channel!;
    const closed = new Promise((resolve) => channel.addEventListener('close', resolve, { once: true }));
    bo.leave();
    await closed;
    const transfer = ana.files.send(new File(['x'], 'late.txt'), [ana.links.get('bo')!]);
    expect(await outcome(transfer)).to.equal('file-failed: The connection to bo closed before "late.txt" arrived.');
  });

  it('a file over the receiver\'s limit is refused before any chunk is sent: file-failed on both sides', async () => {
    mesh = await dataMesh(['ana', 'bo'], { bo: { maxFileSize: MB } });
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const watched = watchSends(ana.links.get('bo')!.channel!);
    const transfer = ana.files.send(new File([randomBlob(MB + 1)], 'huge.zip'), [ana.links.get('bo')!]);
    expect(await outcome(transfer)).to.equal('file-failed: bo refused "huge.zip": it is over their file size limit.');
    expect(bo.errors.items.map(({ error }) => [error.code, error.message])).to.deep.equal([
      ['file-failed', '"huge.zip" from ana is over the 1.0 MB limit for files, so it was refused.'],
    ]);
    expect(watched.frames, 'no chunk was sent').to.equal(0);
    expect(watched.textsSent).to.deep.equal(['file-offer']);
    expect(bo.received.items).to.deep.equal([]);
    expect(bo.progress.items, 'no progress for a refused file').to.deep.equal([]);
    // Exactly the limit passes.
    await ana.files.send(new File([randomBlob(MB)], 'fits.zip'), [ana.links.get('bo')!]).done;
    expect(bo.received.items.map((item) => item.size)).to.deep.equal([MB]);
  });

  it('a file over the sender\'s own limit fails at once, and nothing is offered', async () => {
    mesh = await dataMesh(['ana', 'bo'], { ana: { maxFileSize: MB } });
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const watched = watchSends(ana.links.get('bo')!.channel!);
    const transfer = ana.files.send(new File([randomBlob(2 * MB)], 'huge.zip'), [ana.links.get('bo')!]);
    expect(await outcome(transfer)).to.equal('file-failed: "huge.zip" is 2.0 MB, over the 1.0 MB limit for files, so it was not sent.');
    expect(ana.errors.items.map(({ id, peerId }) => [id, peerId])).to.deep.equal([[transfer.id, null]]);
    expect(watched.textsSent).to.deep.equal([]);
    expect(watched.frames).to.equal(0);
  });

  it('the sender cancels: both sides get file-failed, nothing is delivered, and the next file goes through', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    const transfer = ana.files.send(new File([randomBlob(12 * MB)], 'movie.mp4'), [ana.links.get('bo')!]);
    await bo.progress.until((items) => items.some((p) => p.received! > 0), 'bo is receiving');
    ana.files.cancel(transfer.id);
    expect(await outcome(transfer)).to.equal('file-failed: Sending "movie.mp4" was cancelled.');
    expect(ana.errors.items.map(({ id, peerId }) => [id, peerId])).to.deep.equal([[transfer.id, null]]);
    await bo.errors.until((items) => items.length === 1, 'bo is told');
    expect(bo.errors.items[0].error.message).to.equal('ana cancelled "movie.mp4".');
    expect(bo.received.items).to.deep.equal([]);

    await ana.files.send(new File(['after'], 'next.txt'), [ana.links.get('bo')!]).done;
    expect(bo.received.items.map((item) => item.name)).to.deep.equal(['next.txt']);
    expect(await bo.received.items[0].blob.text()).to.equal('after');
  });

  it('a receiver cancels: both sides get file-failed, and only that receiver\'s copy is affected', async function () {
    this.timeout(120_000);
    mesh = await dataMesh(['ana', 'bo', 'chi']);
    const [ana, bo, chi] = [mesh.get('ana')!, mesh.get('bo')!, mesh.get('chi')!];
    const file = new File([randomBlob(8 * MB)], 'notes.tar');
    const transfer = ana.files.send(file, [ana.links.get('bo')!, ana.links.get('chi')!]);
    await bo.progress.until((items) => items.some((p) => p.received! > 0), 'bo is receiving');
    bo.files.cancel(transfer.id);
    expect(bo.errors.items.map(({ error }) => error.message)).to.deep.equal(['Receiving "notes.tar" was cancelled.']);
    expect(await outcome(transfer)).to.equal('file-failed: bo cancelled "notes.tar".');
    expect(ana.errors.items.map(({ peerId }) => peerId)).to.deep.equal(['bo']);
    expect(bo.received.items).to.deep.equal([]);
    expect(chi.received.items).to.have.length(1);
    expect(await sha256Hex(chi.received.items[0].blob)).to.equal(await sha256Hex(file));
  });
});

describe('the file checksum (BlockHash)', () => {
  const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');

  /** The definition, done the plain way: SHA-256 of the SHA-256 digests of each 1 MiB block, in order. */
  async function reference(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
    const digests: ArrayBuffer[] = [];
    for (let at = 0; at < bytes.length; at += HASH_BLOCK) digests.push(await crypto.subtle.digest('SHA-256', bytes.slice(at, at + HASH_BLOCK)));
    return hex(await crypto.subtle.digest('SHA-256', await new Blob(digests).arrayBuffer()));
  }

  it('is the SHA-256 of the 1 MiB blocks\' SHA-256 digests, whatever the sizes of the pieces fed to it', async () => {
    const bytes = new Uint8Array(await randomBlob(2 * MB + 12345).arrayBuffer());
    const expected = await reference(bytes);
    for (const piece of [bytes.length, HASH_BLOCK, 65536, 1000, 777_777]) {
      const hash = new BlockHash();
      for (let at = 0; at < bytes.length; at += piece) hash.add(bytes.subarray(at, at + piece));
      expect(await hash.hex(), `pieces of ${piece}`).to.equal(expected);
    }
    // One changed byte changes it.
    bytes[1_500_000] ^= 1;
    const changed = new BlockHash();
    changed.add(bytes);
    expect(await changed.hex()).to.not.equal(expected);
  });

  it('of an empty file is the SHA-256 of nothing', async () => {
    expect(await new BlockHash().hex()).to.equal(hex(await crypto.subtle.digest('SHA-256', new Uint8Array(0))));
    expect(await new BlockHash().hex()).to.equal('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});
