#!/usr/bin/env node
// The floor for the hub benchmarks: the least a Node relay on the bare `ws` package must do.
//
//   node bench/servers/ws-relay.mjs --port 0 [--ping-ms 15000]
//
// Each text frame is one JSON message:
//   {"op":"join","channel":C}                           joins C; the server answers {"op":"joined"}
//   {"op":"signal","channel":C,"type":T,"payload":P}    the others in C receive the same frame
// It checks membership like the hub does, and forwards the bytes it got, unchanged (no re-serializing).
// Keep-alive: one interval pings every socket every --ping-ms (the hub sends a Ping message as often).
// Prints "ws-relay listening on http://127.0.0.1:PORT" once it listens.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'ping-ms': { type: 'string', default: '15000' } } });

const channels = new Map(); // channel -> Set<WebSocket>
const server = createServer((req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false });

wss.on('connection', (ws) => {
  const joined = new Set();
  ws.on('message', (data) => {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return ws.close(1003, 'bad JSON');
    }
    const channel = message.channel;
    if (typeof channel !== 'string') return;
    if (message.op === 'join') {
      let members = channels.get(channel);
      if (!members) channels.set(channel, (members = new Set()));
      members.add(ws);
      joined.add(channel);
      ws.send('{"op":"joined"}');
    } else if (message.op === 'signal') {
      if (!joined.has(channel)) return;
      for (const other of channels.get(channel)) if (other !== ws) other.send(data, { binary: false });
    }
  });
  ws.on('close', () => {
    for (const channel of joined) {
      const members = channels.get(channel);
      members.delete(ws);
      if (members.size === 0) channels.delete(channel);
    }
  });
  ws.on('error', () => ws.terminate());
});

const ping = setInterval(() => {
  for (const ws of wss.clients) ws.ping();
}, Number(values['ping-ms']));
ping.unref();

server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`ws-relay listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
