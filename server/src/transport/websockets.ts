import type { WebSocket } from 'ws';
import type { HttpConnection, TransportSink } from './http-connection.js';

/** ASP.NET's WebSocketOptions.CloseTimeout: how long we wait for the client to answer our Close frame. */
const CLOSE_TIMEOUT_MS = 5_000;
/** The close code `ws` reports when the socket ended without a Close frame (RFC 6455 7.4.1). */
const ABNORMAL_CLOSURE = 1006;

/**
 * Write batching. Every `send` in one burst of work (one socket read and the invocations it runs) is
 * queued, and each socket then gets one frame with all its messages, once the burst is done. A frame
 * may carry several whole hub messages (signalr-wire.md B.3), and every client splits them. One frame
 * instead of N means one write system call instead of N: the relay benchmark spent over half the hub's
 * CPU in `writev` before this (docs/benchmarks.md). The flush runs on `process.nextTick`: once the
 * synchronous part of the burst is done, before Node goes back to the network. No timer, and no added
 * wait. (Messages sent after an `await` in the same burst may go in a second frame; that is harmless.)
 */
const flushQueue: WebSocketTransport[] = [];
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  // A flush only writes to sockets, so nothing joins the queue while it runs; copy it anyway.
  const queued = flushQueue.splice(0, flushQueue.length);
  for (const transport of queued) {
    // One socket's failure must not leave the others' messages queued for good.
    try {
      transport.flush();
    } catch {
      // `ws` reports a broken socket through its own 'error' and 'close' events.
    }
  }
}

/**
 * Moves bytes between one WebSocket and its connection (signalr-wire.md B.3).
 * Frames from the client may be Text or Binary and may hold several messages, or part of one: they
 * are fed in as one byte stream. Frames to the client are Text for JSON and Binary for MessagePack.
 */
export class WebSocketTransport implements TransportSink {
  private closeTimer: NodeJS.Timeout | null = null;
  /** Messages written in this burst, sent as one frame by `flush()`. */
  private pending: Uint8Array[] = [];
  private pendingBinary = false;
  private queued = false;
  /** The client broke the WebSocket protocol (a bad or oversized frame): no resume for that. */
  private failed = false;

  constructor(
    private readonly socket: WebSocket,
    connection: HttpConnection,
    /** Unsent bytes past which the client is taken for one that does not read, and dropped. */
    private readonly maxBufferedBytes: number,
  ) {
    // A socket that a resume has replaced (signalr-wire.md E.6) says nothing more to its connection.
    socket.on('message', (data: Buffer) => {
      if (connection.transport === this) connection.receive(data);
    });
    // A Close frame from the client ends the connection. A socket that just dropped (no Close frame) ends
    // it too, unless stateful reconnect is on: then the connection waits for the client to resume (E.5).
    socket.on('close', (code: number) => {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      connection.transportClosed(this, this.failed || code !== ABNORMAL_CLOSURE);
    });
    // 'close' follows every 'error'. `ws` raises 'error' only for a protocol violation by the client (a
    // network failure just closes), which is the client's problem, not the server's.
    socket.on('error', () => {
      this.failed = true;
      socket.terminate();
    });
  }

  send(data: Uint8Array, binary: boolean): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    // A frame has one type; a change of type (never seen after the handshake) starts a new frame.
    if (this.pending.length > 0 && binary !== this.pendingBinary) this.flush();
    this.pending.push(data);
    this.pendingBinary = binary;
    if (!this.queued) {
      this.queued = true;
      flushQueue.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flushAll);
      }
    }
  }

  /** Sends what this burst wrote, as one frame. */
  flush(): void {
    this.queued = false;
    const pending = this.pending;
    if (pending.length === 0) return;
    this.pending = [];
    if (this.socket.readyState !== this.socket.OPEN) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    this.socket.send(data, { binary: this.pendingBinary });
    // A client that does not read (a stalled network, a paused tab) must not make the server hold an
    // ever-growing queue for it: past the limit it is dropped, and the connection ends for good.
    if (this.socket.bufferedAmount > this.maxBufferedBytes) {
      this.failed = true;
      this.socket.terminate();
    }
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  end(): void {
    // The last messages (a Close, say) go out before the Close frame.
    this.flush();
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.close(1000);
    this.closeTimer = setTimeout(() => this.socket.terminate(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  destroy(): void {
    this.pending = [];
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.socket.terminate();
  }
}
