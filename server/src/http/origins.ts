import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLoopbackHost } from '../options.js';

const ANY_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/**
 * Decides which browser origins may use the hub and `/ice-servers`.
 * Listed origins always may. With none listed, only the server's own origin may: on a loopback
 * address that is each loopback name with the port, so a page on http://localhost:5000 works
 * against a hub bound to 127.0.0.1:5000. Requests without an Origin header come from programs,
 * not browsers, and are not the browser's same-origin policy to enforce.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;
  /** Bound to every interface with no list: trust an origin that names the host the request came to. */
  private readonly matchHostHeader: boolean;

  constructor(allowedOrigins: readonly string[], host: string, port: number) {
    this.allowed = new Set(allowedOrigins);
    this.matchHostHeader = false;
    if (allowedOrigins.length > 0) return;
    if (isLoopbackHost(host)) {
      for (const name of ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]) {
        this.allowed.add(`http://${name}:${port}`);
      }
    } else if (ANY_HOSTS.has(host)) {
      this.matchHostHeader = true;
    } else {
      this.allowed.add(`http://${host.includes(':') ? `[${host}]` : host}:${port}`);
    }
  }

  isAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (this.allowed.has(origin)) return true;
    return this.matchHostHeader && req.headers.host !== undefined && origin === `http://${req.headers.host}`;
  }

  /** Adds the CORS response headers for an allowed cross-origin request (signalr-wire.md G.2). Never `*`. */
  applyCors(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined) return;
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }

  /** Answers an OPTIONS preflight for an allowed origin, before the SignalR handler (which would say 405). */
  answerPreflight(req: IncomingMessage, res: ServerResponse, methods: string): void {
    this.applyCors(req, res);
    res.setHeader('Access-Control-Allow-Methods', methods);
    const requested = req.headers['access-control-request-headers'];
    if (requested) res.setHeader('Access-Control-Allow-Headers', requested);
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
  }
}
