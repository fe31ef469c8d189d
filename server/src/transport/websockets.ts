import type { WebSocket } from 'ws';
import type { HttpConnection, TransportSink } from './http-connection.js';

/** ASP.NET's WebSocketOptions.CloseTimeout: how long we wait for the client to answer our Close frame. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * Moves bytes between one WebSocket and its connection (signalr-wire.md B.3).
 * Frames from the client may be Text or Binary and may hold several messages, or part of one: they
 * are fed in as one byte stream. Frames to the client are Text for JSON and Binary for MessagePack.
 */
export class WebSocketTransport implements TransportSink {
  private closeTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: WebSocket,
    connection: HttpConnection,
  ) {
    socket.on('message', (data: Buffer) => connection.receive(data));
    // Any end of the socket, clean or not, ends the connection (stateful reconnect is not on).
    socket.on('close', () => {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      connection.dispose();
    });
    // 'close' follows every 'error'; the error itself is the client's problem, not the server's.
    socket.on('error', () => socket.terminate());
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
