import type { ServerResponse } from 'node:http';
import type { TransportSink } from './http-connection.js';

const decoder = new TextDecoder();

/**
 * Formats one write as one event (ASP.NET's ServerSentEventsMessageFormatter):
 * a payload without a line feed is `data: <payload>\r\n\r\n`; otherwise each line gets its own
 * `data: ` field, with a `\r` before the `\n` stripped, and the event ends with an empty line.
 * EventSource joins the lines back with `\n`.
 */
export function formatServerSentEvent(payload: string): string {
  if (!payload.includes('\n')) return `data: ${payload}\r\n\r\n`;
  let out = '';
  for (let line of payload.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    out += `data: ${line}\r\n`;
  }
  return out + '\r\n';
}

/** The server-to-client half of the SSE transport (signalr-wire.md B.4); the client sends with POST. */
export class ServerSentEventsTransport implements TransportSink {
  constructor(
    private readonly res: ServerResponse,
    /** Unsent bytes past which the client is taken for one that does not read, and dropped. */
    private readonly maxBufferedBytes: number,
  ) {}

  /** Sends the headers and the first comment at once, or EventSource never opens and `start()` hangs. */
  start(): void {
    this.res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache,no-store',
      Pragma: 'no-cache',
      'Long-Running': 'true',
      'Content-Encoding': 'identity',
      'X-Accel-Buffering': 'no',
    });
    this.res.write(':\r\n');
  }

  send(data: Uint8Array): void {
    if (this.res.writableEnded || this.res.destroyed) return;
    this.res.write(formatServerSentEvent(decoder.decode(data)));
    // A stream nobody reads: drop it rather than queue for it without end. Its 'close' disposes the connection.
    if (this.res.writableLength > this.maxBufferedBytes) this.res.destroy();
  }

  bufferedBytes(): number {
    return this.res.writableLength;
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }

  destroy(): void {
    if (!this.res.writableEnded) this.res.end();
  }
}
