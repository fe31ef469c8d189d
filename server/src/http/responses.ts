import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/**
 * Ends a response with a plain-text body, as ASP.NET writes its transport errors (signalr-wire.md B.2).
 * ASP.NET sets `text/plain` on empty answers too (405, 409, 202, a successful POST), so this does as well.
 */
export function sendText(res: ServerResponse, status: number, body = ''): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/plain');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** Refuses a WebSocket upgrade with a plain-text HTTP response, before any upgrade happens (B.2). */
export function rejectUpgrade(socket: Duplex, status: number, body = ''): void {
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        'Connection: close\r\n' +
        'Content-Type: text/plain\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
        body,
    );
  }
  socket.destroy();
}

/** ASP.NET reads query keys whatever their case (`negotiateVersion`, `NegotiateVersion`, `id`). */
export function queryValue(url: URL, name: string): string | null {
  const direct = url.searchParams.get(name);
  if (direct !== null) return direct;
  const lower = name.toLowerCase();
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === lower) return value;
  }
  return null;
}

export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}
