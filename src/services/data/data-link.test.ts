// DataLink over real data channels between real RTCPeerConnections in this page: hello and presence,
// chat in order between three peers, the 16 KB limit, and messages it does not know.
import { expect } from '@open-wc/testing';
import { RtcError } from '../rtc/rtc-error.js';
import { channelPair, closeMesh, dataMesh, Log, opened, type MeshPeer } from '../../../test/helpers/data-mesh.js';
import { MAX_CHAT_BYTES, readChat, sendChat, type ChatMessage } from './chat.js';
import { DataLink, type Presence } from './data-link.js';
import { LABEL } from './wire.js';

let mesh: Map<string, MeshPeer> | null = null;
const pcs: RTCPeerConnection[] = [];

afterEach(() => {
  closeMesh(mesh);
  mesh = null;
  for (const pc of pcs.splice(0)) pc.close();
});

const utf8 = (text: string) => new TextEncoder().encode(text).length;

describe('DataLink', () => {
  it('opens the negotiated `rtc-kit` channel, reliable and ordered', async () => {
    const { pcs: pair, channels } = await channelPair();
    pcs.push(...pair);
    await Promise.all(channels.map((channel) => opened(channel)));
    for (const channel of channels) {
      expect(channel.label).to.equal(LABEL);
      expect(channel.ordered).to.equal(true);
      expect(channel.maxRetransmits).to.equal(null);
      expect(channel.maxPacketLifeTime).to.equal(null);
      expect(channel.negotiated).to.equal(true);
      expect(channel.id).to.equal(0);
    }
  });

  it('says hello with name and mute state both ways on open, and presence again on every change', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    await ana.presences.until((items) => items.length === 1, 'ana hears bo');
    await bo.presences.until((items) => items.length === 1, 'bo hears ana');
    expect(ana.presences.items).to.deep.equal([{ from: 'bo', name: 'bo', audioMuted: false, videoMuted: false }]);
    expect(bo.presences.items).to.deep.equal([{ from: 'ana', name: 'ana', audioMuted: false, videoMuted: false }]);
    expect(ana.links.get('bo')!.peer).to.deep.equal({ name: 'bo', audioMuted: false, videoMuted: false });

    ana.presence = { name: 'Ana María', audioMuted: true, videoMuted: false };
    ana.links.get('bo')!.sendPresence();
    await bo.presences.until((items) => items.length === 2, 'bo hears ana mute');
    expect(bo.presences.items[1]).to.deep.equal({ from: 'ana', name: 'Ana María', audioMuted: true, videoMuted: false });

    bo.presence = { name: 'bo', audioMuted: true, videoMuted: true };
    bo.links.get('ana')!.sendPresence();
    await ana.presences.until((items) => items.length === 2, 'ana hears bo mute');
    expect(ana.presences.items[1]).to.deep.equal({ from: 'bo', name: 'bo', audioMuted: true, videoMuted: true });
    expect(ana.links.get('bo')!.peer).to.deep.equal({ name: 'bo', audioMuted: true, videoMuted: true });
  });

  it('says hello when given a channel that is open already, and sends what was sent before open after the hello', async () => {
    const { pcs: pair, channels } = await channelPair();
    pcs.push(...pair);
    const heard = new Log<Presence | ChatMessage>();
    // Chat is the data chunk's: here a stand-in for it reads the chat messages.
    const chats = (link: DataLink) => link.attach({ receive: (data) => heard.push(readChat(data as never)!), closed: () => {} });
    const options = (name: string) => ({ id: () => name, presence: () => ({ name, audioMuted: false, videoMuted: true }), onpresence: heard.push, ontraffic: chats });
    // Made before open: it holds the chat until the channel opens, after its hello.
    const early = new DataLink(channels[0], { ...options('early'), onpresence: () => {}, ontraffic: () => {} });
    expect(channels[0].readyState).to.equal('connecting');
    sendChat([early], 'sent before open');
    await opened(channels[1]);
    // Made after open: it says hello at once.
    new DataLink(channels[1], options('late'));
    await heard.until((items) => items.length === 2, 'hello and chat from the early link');
    expect(heard.items[0]).to.deep.equal({ name: 'early', audioMuted: false, videoMuted: true });
    expect((heard.items[1] as ChatMessage).text).to.equal('sent before open');
  });

  it('made before its channel exists (a group call\'s), keeps what is sent and sends it after the hello once given the channel', async () => {
    const { pcs: pair, channels } = await channelPair();
    pcs.push(...pair);
    const heard = new Log<Presence | ChatMessage>();
    const chats = (link: DataLink) => link.attach({ receive: (data) => heard.push(readChat(data as never)!), closed: () => {} });
    const coming = new DataLink(null, { id: () => 'coming', presence: () => ({ name: 'coming', audioMuted: true, videoMuted: false }) });
    expect(coming.channel).to.equal(null);
    sendChat([coming], 'first');
    coming.sendPresence();
    sendChat([coming], 'second');
    new DataLink(channels[1], { id: () => 'far', presence: () => ({ name: 'far', audioMuted: false, videoMuted: false }), onpresence: heard.push, ontraffic: chats });
    coming.setChannel(channels[0]);
    expect(coming.channel).to.equal(channels[0]);
    await heard.until((items) => items.length === 4, 'hello, chat, presence and chat');
    const presence = { name: 'coming', audioMuted: true, videoMuted: false };
    expect(heard.items.map((item) => ('text' in item ? item.text : item))).to.deep.equal([presence, 'first', presence, 'second']);
    // One channel for a link's life: a second is not taken.
    coming.setChannel(channels[1]);
    expect(coming.channel).to.equal(channels[0]);
  });

  it('carries chat between three peers, each sender\'s messages in order, Korean, Arabic and emoji intact', async () => {
    mesh = await dataMesh(['ana', 'bo', 'chi']);
    const texts = ['안녕하세요, 반갑습니다', 'مرحبا بكم في المكالمة', '👋🏽 family: 👨‍👩‍👧‍👦, flag: 🇰🇷', 'plain ascii', 'mixed 한국어 العربية 🎉'];
    const count = 40;
    const message = (from: string, i: number) => `${from} #${i}: ${texts[i % texts.length]}`;
    // Every peer sends to every other at the same time, interleaved.
    for (let i = 0; i < count; i++) {
      for (const peer of mesh.values()) for (const link of peer.links.values()) sendChat([link], message(peer.name, i));
    }
    for (const peer of mesh.values()) {
      await peer.chats.until((items) => items.length === count * 2, `${peer.name} gets every message`);
      for (const other of mesh.keys()) {
        if (other === peer.name) continue;
        const fromOther = peer.chats.items.filter((item) => item.from === other);
        expect(fromOther.map((item) => item.text)).to.deep.equal(Array.from({ length: count }, (_, i) => message(other, i)));
        const times = fromOther.map((item) => item.at);
        expect(times).to.deep.equal([...times].sort((x, y) => x - y), 'arrival times never go back');
      }
    }
  });

  it('takes a message of exactly 16 KB of UTF-8 and refuses one byte more with a clear error, sending nothing', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const link = mesh.get('ana')!.links.get('bo')!;
    // 3-byte Korean syllables and a 4-byte emoji, so bytes and UTF-16 length differ.
    const exact = '가'.repeat(5000) + '😀'.repeat(346) + 'a'.repeat(MAX_CHAT_BYTES - 15000 - 1384);
    expect(utf8(exact)).to.equal(16384);
    const over = exact + 'b';
    expect(utf8(over)).to.equal(16385);

    sendChat([link], exact);
    let error: unknown = null;
    try {
      sendChat([link], over);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(RtcError);
    expect((error as RtcError).code).to.equal('message-too-large');
    expect((error as RtcError).message).to.equal('A chat message can be at most 16 KB (16384 bytes of UTF-8); this one is 16385 bytes.');
    sendChat([link], 'after');
    const bo = mesh.get('bo')!;
    await bo.chats.until((items) => items.length === 2, 'bo gets the two messages that were sent');
    expect(bo.chats.items.map((item) => item.text)).to.deep.equal([exact, 'after']);
  });

  it('ignores what it does not know: other types, other frame kinds, bad JSON, fields of a newer version; checks what it reads', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    await bo.presences.until((items) => items.length === 1, 'hello');
    const channel = ana.links.get('bo')!.channel!;
    const errors: string[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.message);
    window.addEventListener('error', onError);
    try {
      channel.send('{"v":2,"t":"sticker","id":"party"}');
      channel.send('not json at all');
      channel.send('null');
      channel.send('[1,2,3]');
      channel.send('{"v":1}');
      channel.send(new Uint8Array([9, 0, 0, 0, 1, 42]));
      channel.send(new Uint8Array([1]));
      channel.send('{"v":1,"t":"file-end","id":"unknown","sha256":"00"}');
      channel.send('{"v":1,"t":"chat","text":42}');
      channel.send(`{"v":1,"t":"chat","text":"${'x'.repeat(MAX_CHAT_BYTES + 1)}"}`);
      channel.send('{"v":3,"t":"chat","text":"from a newer peer","reactions":["👍"],"thread":7}');
      channel.send('{"v":3,"t":"presence","name":{"first":"x"},"audioMuted":"yes","videoMuted":true,"handRaised":true}');
      sendChat([ana.links.get('bo')!], 'last');
      await bo.chats.until((items) => items.some((item) => item.text === 'last'), 'the last message');
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect(bo.chats.items.map((item) => item.text)).to.deep.equal(['from a newer peer', 'last']);
    expect(bo.presences.items[1]).to.deep.equal({ from: 'ana', name: null, audioMuted: false, videoMuted: true });
    expect(bo.errors.items, 'the stray frames reached the file module, which ignored them').to.deep.equal([]);
  });

  it('after close(), it neither hears nor says anything, and close() may be called again', async () => {
    mesh = await dataMesh(['ana', 'bo']);
    const [ana, bo] = [mesh.get('ana')!, mesh.get('bo')!];
    await bo.presences.until((items) => items.length === 1, 'hello');
    bo.links.get('ana')!.close();
    bo.links.get('ana')!.close();
    // A second link on the same channel proves the messages do arrive, and only it hears them.
    const heard = new Log<ChatMessage>();
    new DataLink(bo.links.get('ana')!.channel, {
      id: () => 'ana',
      presence: () => bo.presence,
      ontraffic: (link) => link.attach({ receive: (data) => heard.push(readChat(data as never)!), closed: () => {} }),
    });
    sendChat([ana.links.get('bo')!], 'one');
    sendChat([ana.links.get('bo')!], 'two');
    await heard.until((items) => items.length === 2, 'the second link hears');
    expect(heard.items.map((item) => item.text)).to.deep.equal(['one', 'two']);
    expect(bo.chats.items).to.deep.equal([]);
  });
});
