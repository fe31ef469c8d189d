import type { ServerResponse } from 'node:http';
import type { HttpConnection, TransportSink } from './http-connection.js';

/**
 * The long-polling transport (signalr-wire.md B.5). Writes queue until a poll takes them, all at once.
 * A poll with nothing to give waits up to `pollTimeout` and then answers 200 with an empty body.
 * Once the application has ended and the queue is drained, a poll answers 204: the client's "closed".
 * Between polls the connection is inactive, and the connection manager disposes it after the
 * disconnect timeout.
 */
export class LongPollingTransport implements TransportSink {
  private queue: Uint8Array[] = [];
  private queuedBytes = 0;
  private poll: ServerResponse | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private ended = false;

  constructor(
    private readonly connection: HttpConnection,
    private readonly pollTimeout: number,
    /** Queued bytes past which the client is taken for one that stopped polling, and dropped. */
    private readonly maxBufferedBytes: number,
  ) {}

  send(data: Uint8Array): void {
    if (this.ended) return;
    this.queue.push(data);
    this.queuedBytes += data.byteLength;
    if (this.poll) return this.answer(this.poll);
    // Nobody polls while a busy channel writes: end it now rather than hold the queue until the disconnect timeout.
    if (this.queuedBytes > this.maxBufferedBytes) this.connection.dispose();
  }

  bufferedBytes(): number {
    return this.queuedBytes;
  }

  end(): void {
    this.ended = true;
    if (this.poll) this.answer(this.poll);
  }

  destroy(): void {
    this.ended = true;
    this.queue = [];
    this.queuedBytes = 0;
    if (this.poll) this.answer(this.poll);
  }

  /** A new poll. One that arrives while another waits ends the old one with 204 (ASP.NET's CancelPreviousPoll). */
  handlePoll(res: ServerResponse): void {
    if (this.poll) this.finish(this.poll, 204);
    if (this.queue.length > 0 || this.ended) {
      this.answer(res);
      return;
    }
    this.poll = res;
    this.connection.status = 'active';
    this.pollTimer = setTimeout(() => this.poll === res && this.finish(res, 200), this.pollTimeout);
    this.pollTimer.unref();
    // The client aborts its pending poll when it stops; the DELETE or the disconnect timeout follows.
    res.on('close', () => {
      if (this.poll === res) this.release();
    });
  }

  private answer(res: ServerResponse): void {
    if (this.queue.length > 0) {
      const body = this.queue.length === 1 ? this.queue[0]! : Buffer.concat(this.queue);
      this.queue = [];
      this.queuedBytes = 0;
      this.release();
      res.writeHead(200, {
        'Content-Type': 'application/octet-stream',
        'Content-Length': body.byteLength,
        'Long-Running': 'true',
      });
      res.end(body);
      return;
    }
    if (this.ended) {
      this.finish(res, 204);
      this.connection.dispose();
      return;
    }
    this.finish(res, 200);
  }

  private finish(res: ServerResponse, status: 200 | 204): void {
    if (this.poll === res) this.release();
    if (res.writableEnded) return;
    if (status === 200) {
      // The poll timed out with nothing to send: an empty 200, and the client polls again.
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 0 });
    } else {
      res.writeHead(204);
    }
    res.end();
  }

  private release(): void {
    if (this.pollTimer) clearTimeout(this.pollTimer);
    this.pollTimer = null;
    this.poll = null;
    if (this.connection.status === 'active') {
      this.connection.status = 'inactive';
      this.connection.inactiveSince = Date.now();
    }
  }
}
