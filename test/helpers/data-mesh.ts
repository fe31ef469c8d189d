// Real RTCPeerConnections in one page, joined pairwise with the `rtc-kit` data channel, for the data
// channel's tests. No hub: each pair hands its descriptions straight to the other, once its candidates
// are gathered (loopback gathers at once), so no candidate can arrive before its description.
import type { ChatMessage } from '../../src/services/data/chat.js';
import { DataLink, type Presence } from '../../src/services/data/data-link.js';
import { FileTransfers, type FileFailure, type FileProgress, type FileTransferOptions, type ReceivedFile } from '../../src/services/data/files.js';
import { createDataChannel } from '../../src/services/data/wire.js';

/** A list that a test can wait on: `until` resolves when a check of the items passes, re-checked on every push. */
export class Log<T> {
  readonly items: T[] = [];
  readonly #waiters = new Set<() => void>();

  push = (item: T): void => {
    this.items.push(item);
    for (const wake of [...this.#waiters]) wake();
  };

  /** Resolves once `check(items)` is true; rejects after `timeoutMs`, a failure bound only. */
  until(check: (items: readonly T[]) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (check(this.items)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`${what}: not within ${timeoutMs} ms; got ${JSON.stringify(this.items).slice(0, 500)}`));
      }, timeoutMs);
      const wake = () => {
        if (!check(this.items)) return;
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      this.#waiters.add(wake);
    });
  }
}

/** Resolves once `pc` has gathered its candidates. */
function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    pc.addEventListener('icegatheringstatechange', check);
  });
}

/** Resolves once `channel` is open; rejects if it closes first or after `timeoutMs`. */
export function opened(channel: RTCDataChannel, timeoutMs = 15_000): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`data channel not open within ${timeoutMs} ms (${channel.readyState})`)), timeoutMs);
    channel.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
    channel.addEventListener('close', () => (clearTimeout(timer), reject(new Error('data channel closed before it opened'))), { once: true });
  });
}

/** Two connected peer connections with the `rtc-kit` channel on each; the channels may still be opening. */
export async function channelPair(): Promise<{ pcs: [RTCPeerConnection, RTCPeerConnection]; channels: [RTCDataChannel, RTCDataChannel] }> {
  const a = new RTCPeerConnection();
  const b = new RTCPeerConnection();
  const channels: [RTCDataChannel, RTCDataChannel] = [createDataChannel(a), createDataChannel(b)];
  await a.setLocalDescription();
  await gathered(a);
  await b.setRemoteDescription(a.localDescription!);
  await b.setLocalDescription();
  await gathered(b);
  await a.setRemoteDescription(b.localDescription!);
  return { pcs: [a, b], channels };
}

/** One peer of a mesh: its links to the others by name, its file transfers, and what it received. */
export interface MeshPeer {
  name: string;
  presence: Presence;
  links: Map<string, DataLink>;
  pcs: Map<string, RTCPeerConnection>;
  files: FileTransfers;
  presences: Log<{ from: string } & Presence>;
  chats: Log<{ from: string } & ChatMessage>;
  progress: Log<FileProgress>;
  received: Log<ReceivedFile>;
  errors: Log<FileFailure>;
  /** How many times a link asked for the file module (DataLinkOptions.ontraffic). */
  fileLoads: number;
  /** Closes every connection of this peer, as the call does when it leaves. */
  leave(): void;
}

/**
 * A full mesh of peers named `names`, each pair joined by its own connection. Each peer's file module is
 * attached only when a link first asks for it (ontraffic), as the call loads the file chunk on first use.
 */
export async function dataMesh(names: string[], fileOptions: Record<string, FileTransferOptions> = {}): Promise<Map<string, MeshPeer>> {
  const peers = new Map<string, MeshPeer>();
  for (const name of names) {
    const peer: MeshPeer = {
      name,
      presence: { name, audioMuted: false, videoMuted: false },
      links: new Map(),
      pcs: new Map(),
      files: null as unknown as FileTransfers,
      presences: new Log(),
      chats: new Log(),
      progress: new Log(),
      received: new Log(),
      errors: new Log(),
      fileLoads: 0,
      leave() {
        for (const pc of peer.pcs.values()) pc.close();
        for (const link of peer.links.values()) link.close();
      },
    };
    peer.files = new FileTransfers({ ...fileOptions[name], onprogress: peer.progress.push, onfile: peer.received.push, onerror: peer.errors.push, onchat: (link, message) => peer.chats.push({ from: link.id, ...message }) });
    peers.set(name, peer);
  }
  const link = (self: MeshPeer, other: string, channel: RTCDataChannel) =>
    new DataLink(channel, {
      id: () => other,
      presence: () => self.presence,
      onpresence: (presence) => self.presences.push({ from: other, ...presence }),
      ontraffic: (dataLink) => {
        self.fileLoads++;
        // As the call does: the file module is a chunk, so it attaches a moment later.
        void Promise.resolve().then(() => self.files.attach(dataLink));
      },
    });
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      const { pcs, channels } = await channelPair();
      const [peerA, peerB] = [peers.get(a)!, peers.get(b)!];
      peerA.pcs.set(b, pcs[0]);
      peerB.pcs.set(a, pcs[1]);
      peerA.links.set(b, link(peerA, b, channels[0]));
      peerB.links.set(a, link(peerB, a, channels[1]));
    }
  }
  await Promise.all([...peers.values()].flatMap((peer) => [...peer.links.values()].map((each) => opened(each.channel!))));
  return peers;
}

/** Closes every connection of every peer. */
export function closeMesh(peers: Map<string, MeshPeer> | null | undefined): void {
  for (const peer of peers?.values() ?? []) peer.leave();
}

/** A Blob of `bytes` pseudo-random bytes, made of `block`-sized pieces that are each in JS memory only once. */
export function randomBlob(bytes: number, type = 'application/octet-stream', block = 1024 * 1024): Blob {
  const parts: Uint8Array<ArrayBuffer>[] = [];
  for (let at = 0; at < bytes; at += block) {
    const part = new Uint8Array(Math.min(block, bytes - at));
    for (let i = 0; i < part.length; i += 65536) crypto.getRandomValues(part.subarray(i, i + 65536));
    parts.push(part);
  }
  return new Blob(parts, { type });
}

/** The SHA-256 of a Blob as hex, by WebCrypto (the whole Blob in memory: for test-sized files). */
export async function sha256Hex(blob: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await blob.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
