import { MessageType, type HubMessage, type HubProtocol } from '../protocol/messages.js';

/** The exact text ASP.NET throws, and the clients stop with, for a Sequence ahead of what was received (E.7). */
export const SEQUENCE_AHEAD = "Sequence ID greater than amount of messages we've received.";

/**
 * How far past `statefulReconnectBufferSize` writes may queue before the connection is closed anyway.
 * The queue holds what the app wrote while the client was not acknowledging; this bounds its memory even
 * when the app writes faster than the disconnect timeout can catch a client that stopped acknowledging.
 */
export const PENDING_LIMIT_FACTOR = 10;

/** Invocation, StreamItem, Completion, StreamInvocation and CancelInvocation are numbered; the rest are not (E.2). */
export function isTrackable(type: number): boolean {
  return type >= MessageType.Invocation && type <= MessageType.CancelInvocation;
}

/** A FIFO with O(1) take from the front, for the replay buffer and the pending queue. */
class Queue<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(item: T): void {
    this.items.push(item);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as T;
    // Compact once the dead front is at least half the array.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i]!;
  }
  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

interface Sent {
  id: number;
  bytes: Uint8Array;
}

/**
 * Stateful reconnect for one hub connection (signalr-wire.md E; ASP.NET's MessageBuffer).
 *
 * Outbound: every trackable message gets the next sequence id, and its bytes stay here until the client
 * acknowledges that id. After a resume, `resend()` writes Sequence{first unacked id} and replays them.
 *
 * Inbound: every trackable message from the client is numbered; one numbered at or below the highest
 * already processed is a duplicate from the client's replay and is dropped. A Sequence re-bases the count.
 *
 * Back-pressure. ASP.NET makes a write wait for an Ack while more than the limit is unacknowledged, which
 * stalls the hub method or fan-out doing the write. A Node server must not block: one slow client would
 * hold up a fan-out to everyone else. So a write that finds the buffer over the limit is queued instead,
 * unsent and unnumbered, and goes out, in order, as Acks bring the buffer back under the limit. Nothing is
 * dropped while the connection lives. Two bounds keep a client that stops acknowledging from holding
 * memory forever: `stalled()` tells the handler to close a connection whose queue has made no progress for
 * the disconnect timeout while the client was connected (as ASP.NET's send timeout closes a stuck send),
 * and the queue may hold at most PENDING_LIMIT_FACTOR times the limit (`onOverflow`). Pings, Acks and
 * Close are never queued: they keep the connection alive and are not replayed.
 */
export class MessageBuffer {
  // Outbound.
  private readonly sent = new Queue<Sent>();
  private bufferedBytes = 0;
  private totalSent = 0;
  private readonly pending = new Queue<Uint8Array>();
  private pendingBytes = 0;
  /** When the pending queue last started waiting or last moved; null when it is empty. */
  private waitingSince: number | null = null;
  private overflowed = false;

  // Inbound.
  private nextReceiving = 1;
  private latestReceived = 0;
  private lastAcked = 0;

  constructor(
    private readonly protocol: HubProtocol,
    /** Puts bytes on the current transport; drops them while there is none. */
    private readonly transmit: (bytes: Uint8Array) => void,
    private readonly limit: number,
    /** The pending queue outgrew its bound: the connection must close. */
    private readonly onOverflow: () => void,
  ) {}

  /** Writes one message's bytes: numbered and kept if trackable, queued if the buffer is over the limit. */
  write(bytes: Uint8Array, trackable: boolean): void {
    if (!trackable) return this.transmit(bytes);
    if (this.overflowed) return;
    // ASP.NET checks before adding: a write that finds the buffer at or under the limit goes out.
    if (this.pending.length > 0 || this.bufferedBytes > this.limit) {
      this.pending.push(bytes);
      this.pendingBytes += bytes.byteLength;
      // Real time, not the handler's coarse clock: that may be a heartbeat old, and the timeout would come early.
      this.waitingSince ??= Date.now();
      if (this.pendingBytes > this.limit * PENDING_LIMIT_FACTOR) {
        this.overflowed = true;
        this.pending.clear();
        this.pendingBytes = 0;
        this.onOverflow();
      }
      return;
    }
    this.record(bytes);
    this.transmit(bytes);
  }

  /** The client has everything up to `sequenceId`: free it, and send what was waiting for room. */
  ack(sequenceId: number): void {
    let freed = false;
    for (let first = this.sent.peek(); first && first.id <= sequenceId; first = this.sent.peek()) {
      this.sent.shift();
      this.bufferedBytes -= first.bytes.byteLength;
      freed = true;
    }
    if (!freed) return;
    while (this.pending.length > 0 && this.bufferedBytes <= this.limit) {
      const bytes = this.pending.shift()!;
      this.pendingBytes -= bytes.byteLength;
      this.record(bytes);
      this.transmit(bytes);
    }
    this.waitingSince = this.pending.length > 0 ? Date.now() : null;
  }

  /**
   * Numbers a message from the client. False for a duplicate, which must be dropped silently (E.7).
   * Messages that are not trackable always pass.
   */
  shouldProcess(message: HubMessage): boolean {
    if (!isTrackable(message.type)) return true;
    const id = this.nextReceiving++;
    if (id <= this.latestReceived) return false;
    this.latestReceived = id;
    return true;
  }

  /** The client's Sequence after a resume: the id of the next message it sends. Throws if it is ahead of us. */
  resetSequence(sequenceId: number): void {
    if (sequenceId > this.nextReceiving) throw new Error(SEQUENCE_AHEAD);
    this.nextReceiving = sequenceId;
  }

  /** On the heartbeat: Ack what arrived since the last Ack, if anything did (E.3). */
  sendAck(): void {
    if (this.latestReceived <= this.lastAcked) return;
    this.lastAcked = this.latestReceived;
    this.transmit(this.protocol.write({ type: MessageType.Ack, sequenceId: this.latestReceived }));
  }

  /**
   * On a resumed socket, before anything else: Sequence{first unacked id, or totalSent + 1}, then every
   * unacknowledged message in order (E.6). The queue's wait starts afresh: the client gets a full
   * timeout to acknowledge the replay.
   */
  resend(): void {
    const first = this.sent.peek();
    this.transmit(this.protocol.write({ type: MessageType.Sequence, sequenceId: first ? first.id : this.totalSent + 1 }));
    for (const message of this.sent) this.transmit(message.bytes);
    // Ack again on the next heartbeat: the last Ack may have died with the old socket, and the client
    // keeps (and counts against its own limit) whatever it has not seen acknowledged.
    this.lastAcked = 0;
    if (this.waitingSince !== null) this.waitingSince = Date.now();
  }

  /** Whether writes have waited, with no Ack making room, for `timeout` ms or more. */
  stalled(now: number, timeout: number): boolean {
    return this.waitingSince !== null && now - this.waitingSince >= timeout;
  }

  private record(bytes: Uint8Array): void {
    this.sent.push({ id: ++this.totalSent, bytes });
    this.bufferedBytes += bytes.byteLength;
  }
}
