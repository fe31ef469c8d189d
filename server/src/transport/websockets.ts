import type { WebSocket } from 'ws';
import type { HttpConnection, TransportSink } from './http-connection.js';

/** ASP.NET's WebSocketOptions.CloseTimeout: how long we wait for the client to answer our Close frame. */
const CLOSE_TIMEOUT_MS = 5_000;
/** The close code `ws` reports when the socket ended without a Close frame (RFC 6455 7.4.1). */
const ABNORMAL_CLOSURE = 1006;

/**
 * Moves bytes between one WebSocket and its connection (signalr-wire.md B.3).
 * Frames from the client may be Text or Binary and may hold several messages, or part of one: they
 * are fed in as one byte stream. Frames to the client are Text for JSON and Binary for MessagePack.
 */
export class WebSocketTransport implements TransportSink {
  private closeTimer: NodeJS.Timeout | null = null;
  /** The client broke the WebSocket protocol (a bad or oversized frame): no resume for that. */
  private failed = false;

  constructor(
    private readonly socket: WebSocket,
    connection: HttpConnection,
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
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(data, { binary });
  }

  end(): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    this.socket.close(1000);
    this.closeTimer = setTimeout(() => this.socket.terminate(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  destroy(): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.socket.terminate();
  }
}
