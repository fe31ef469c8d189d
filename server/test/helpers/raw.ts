// The hub as the wire sees it: raw HTTP requests, raw WebSocket frames, raw SSE streams and long polls,
// with no SignalR client in between. Tests built on these pin exact status codes, headers, bytes and frames
// (signalr-wire.md sections A-D).
import { encode } from '@msgpack/msgpack';
import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import WebSocket from 'ws';

/** The record separator that ends every JSON record, the handshake included. */
export const RS = '\x1e';

/** `text` + 0x1E. */
export const record = (text: string): string => text + RS;

/** Several JSON records in one string, as one frame, POST or poll may carry them. */
export const records = (...texts: string[]): string => texts.map(record).join('');

/** The handshake request the clients send, ended by 0x1E. */
export const handshakeRequest = (protocol: 'json' | 'messagepack' | string = 'json', version = 1): string =>
  record(JSON.stringify({ protocol, version }));

/**
 * Splits text into its records, without their separators. Throws if the text does not end on a record
 * boundary: the server must never split a message across frames, events or poll bodies (B.3).
 */
export function splitRecords(text: string): string[] {
  if (text === '') return [];
  if (!text.endsWith(RS)) throw new Error(`Text does not end on a record boundary: ${JSON.stringify(text.slice(-80))}`);
  return text.slice(0, -1).split(RS);
}

/** A MessagePack hub message: `[VarInt length][msgpack array]` (C.2). */
export function msgpackFrame(items: unknown[]): Buffer {
  return lengthPrefixed(encode(items));
}

/** `body` after its VarInt length: 7 bits a byte, least significant first (C.2). */
export function lengthPrefixed(body: Uint8Array): Buffer {
  const prefix: number[] = [];
  let length = body.length;
  do {
    let byte = length & 0x7f;
    length >>>= 7;
    if (length > 0) byte |= 0x80;
    prefix.push(byte);
  } while (length > 0);
  return Buffer.concat([Buffer.from(prefix), body]);
}

/** A deterministic byte source, so "random" input is the same on every run. */
export function pseudoRandomBytes(length: number, seed = 0x2545f491): Buffer {
  const out = Buffer.alloc(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `http://127.0.0.1:PORT` -> `ws://127.0.0.1:PORT`. */
export const wsUrl = (httpUrl: string): string => httpUrl.replace(/^http/, 'ws');

// HTTP ----------------------------------------------------------------------------------------------

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** One HTTP request on its own TCP connection (no keep-alive pool shared between tests). */
export function http(url: string, options: RequestOptions = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A response read as it arrives: an SSE stream, or a long poll that is still pending.
 * `opened` resolves with the status and headers; `text` grows as bytes arrive; `ended` resolves when the
 * server ends the response.
 */
export class HttpStream {
  text = '';
  status = 0;
  headers: IncomingHttpHeaders = {};
  readonly opened: Promise<void>;
  readonly ended: Promise<void>;
  private readonly req: ReturnType<typeof httpRequest>;
  private res: IncomingMessage | null = null;
  private wake: (() => void) | null = null;

  constructor(url: string, options: RequestOptions = {}) {
    let resolveOpened!: () => void;
    let resolveEnded!: () => void;
    let rejectOpened!: (error: Error) => void;
    this.opened = new Promise((resolve, reject) => {
      resolveOpened = resolve;
      rejectOpened = reject;
    });
    this.ended = new Promise((resolve) => (resolveEnded = resolve));
    this.req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      this.res = res;
      this.status = res.statusCode!;
      this.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        this.text += chunk;
        this.wake?.();
      });
      res.on('end', () => {
        resolveEnded();
        this.wake?.();
      });
      res.on('error', () => {});
      resolveOpened();
    });
    this.req.on('error', (error) => {
      rejectOpened(error);
      resolveEnded();
      this.wake?.();
    });
    this.req.end(options.body);
  }

  get complete(): boolean {
    return this.res?.complete ?? false;
  }

  /** Waits until the text received so far satisfies `done`, and returns it. */
  async waitFor(done: (text: string) => boolean, timeoutMs = 2_000, what = 'stream data'): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.text)) {
      if (this.complete) throw new Error(`The response ended before ${what}; got ${JSON.stringify(this.text)}.`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${what}; got ${JSON.stringify(this.text)}.`);
      await withTimeout(new Promise<void>((resolve) => (this.wake = resolve)), left, what).catch(() => {});
      this.wake = null;
    }
    return this.text;
  }

  /** Resolves when the response ends, with everything it carried. */
  async body(timeoutMs = 2_000): Promise<string> {
    await withTimeout(this.ended, timeoutMs, 'the end of the response');
    return this.text;
  }

  /** Drops the request, as a client closing its EventSource or aborting a poll. */
  abort(): void {
    this.req.destroy();
    this.res?.destroy();
  }
}

/**
 * A request whose body is sent in pieces: `write()` more, then `end()`. `response` resolves with the answer,
 * or with status 0 if the server dropped the connection instead of answering.
 */
export function openUpload(url: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const req = httpRequest(url, {
    method: options.method ?? 'POST',
    headers: { 'Transfer-Encoding': 'chunked', ...options.headers },
    agent: false,
  });
  const response = new Promise<HttpResult>((resolve) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), text: '' }));
    });
    req.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0), text: '' }));
  });
  return {
    write: (chunk: string | Uint8Array) => void req.write(chunk),
    end: () => void req.end(),
    response,
  };
}

/**
 * Resolves once the server has run its handler for the next request it receives. The server's own
 * 'request' listener was added first, so this one runs after it: a long poll is then registered.
 */
export async function requestHandled(server: Server): Promise<void> {
  await once(server, 'request');
  // Let the handler's synchronous work, and anything it queued, settle.
  await new Promise<void>((resolve) => setImmediate(resolve));
}

// Negotiate -----------------------------------------------------------------------------------------

export interface Negotiated {
  connectionId: string;
  /** What `id=` takes: the token for version 1, the id for version 0. */
  token: string;
  raw: Record<string, unknown>;
}

export async function negotiate(baseUrl: string, query = '?negotiateVersion=1', headers: Record<string, string> = {}): Promise<Negotiated> {
  const res = await http(`${baseUrl}/messagehub/negotiate${query}`, { method: 'POST', headers });
  if (res.status !== 200) throw new Error(`negotiate answered ${res.status}: ${res.text}`);
  const raw = JSON.parse(res.text) as Record<string, unknown>;
  if (typeof raw.connectionId !== 'string') throw new Error(`negotiate failed: ${res.text}`);
  return { connectionId: raw.connectionId, token: (raw.connectionToken as string | undefined) ?? raw.connectionId, raw };
}

// WebSockets ----------------------------------------------------------------------------------------

export interface Frame {
  data: Buffer;
  binary: boolean;
}

export interface Refusal {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A WebSocket client that keeps every frame it receives, for exact assertions.
 * Frames queue up; `nextFrame()` takes them in order, and `nextRecord()` reads JSON records across them.
 */
export class RawSocket {
  readonly frames: Frame[] = [];
  /** The close code and reason the server sent (1005 when it sent none, 1006 when the socket just dropped). */
  readonly closed: Promise<{ code: number; reason: string }>;
  private taken = 0;
  private pendingRecords: string[] = [];
  private wake: (() => void) | null = null;
  private isClosed = false;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      this.frames.push({ data, binary: isBinary });
      this.wake?.();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
        this.wake?.();
      }),
    );
    socket.on('error', () => {});
  }

  /** Opens a WebSocket to `url`; rejects if the server refuses the upgrade. */
  static open(url: string, headers: Record<string, string> = {}): Promise<RawSocket> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: false });
      // Wrap before 'open', so no frame sent right after the upgrade is missed.
      const raw = new RawSocket(socket);
      socket.once('open', () => resolve(raw));
      socket.once('unexpected-response', (_req, res) => {
        reject(new Error(`The upgrade was refused with ${res.statusCode}.`));
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  /** Attempts an upgrade that the server must refuse; resolves with its plain HTTP answer. */
  static refusal(url: string, headers: Record<string, string> = {}): Promise<Refusal> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers, perMessageDeflate: false });
      socket.on('error', () => {});
      socket.once('open', () => {
        socket.terminate();
        reject(new Error('The server accepted an upgrade it should have refused.'));
      });
      socket.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', () => {});
        res.on('close', () => {
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          socket.terminate();
        });
      });
    });
  }

  /** Opens a socket and completes the handshake; checks the `{}` answer and its frame type (B.3). */
  static async connect(url: string, protocol: 'json' | 'messagepack' = 'json', headers: Record<string, string> = {}): Promise<RawSocket> {
    const raw = await RawSocket.open(url, headers);
    raw.send(handshakeRequest(protocol));
    const frame = await raw.nextFrame();
    if (frame.data.toString('utf8') !== record('{}')) {
      raw.terminate();
      throw new Error(`Handshake failed: ${JSON.stringify(frame.data.toString('utf8'))}`);
    }
    if (frame.binary !== (protocol === 'messagepack')) {
      raw.terminate();
      throw new Error(`The handshake answer came in a ${frame.binary ? 'Binary' : 'Text'} frame.`);
    }
    return raw;
  }

  /** Sends one frame: Text for a string unless `binary`, Binary for bytes unless told otherwise. */
  send(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  /** The next frame not yet taken. Fails if none arrives within `timeoutMs`, or the socket closes first. */
  async nextFrame(timeoutMs = 2_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (this.taken >= this.frames.length) {
      if (this.isClosed) throw new Error('The socket closed while a frame was expected.');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No frame within ${timeoutMs} ms.`);
      await withTimeout(new Promise<void>((resolve) => (this.wake = resolve)), left, 'a frame').catch(() => {});
      this.wake = null;
    }
    return this.frames[this.taken++]!;
  }

  /**
   * The next JSON record, without its 0x1E, read from Text frames. Every frame must end on a record
   * boundary. Records for which `skip` is true (pings, say) are passed over.
   */
  async nextRecord(timeoutMs = 2_000, skip: (text: string) => boolean = () => false): Promise<string> {
    for (;;) {
      while (this.pendingRecords.length === 0) {
        const frame = await this.nextFrame(timeoutMs);
        if (frame.binary) throw new Error('Expected a Text frame, got a Binary frame.');
        this.pendingRecords.push(...splitRecords(frame.data.toString('utf8')));
      }
      const next = this.pendingRecords.shift()!;
      if (!skip(next)) return next;
    }
  }

  /** Resolves with the close the server sent. Fails if the socket is still open after `timeoutMs`. */
  expectClose(timeoutMs = 2_000): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, timeoutMs, 'the socket to close');
  }

  /** Frames that arrived and were not taken yet. */
  get untaken(): Frame[] {
    return this.frames.slice(this.taken);
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(code?: number): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.close(code);
  }

  terminate(): void {
    this.socket.terminate();
  }
}

export const isPing = (text: string): boolean => text === '{"type":6}';
