#!/usr/bin/env node
// What most people would write instead of rtc-kit's hub: the same relay as ws-relay.mjs, on socket.io.
//
//   node bench/servers/socketio-relay.mjs --port 0
//
// Events: `join(channel, ack)` joins a room and acknowledges; `signal(channel, type, payload)` goes to the
// others in the room, if the sender is in it. WebSocket transport only, no compression: the best case
// for socket.io, and the same transport the hub uses. Keep-alive is socket.io's own (ping every 25 s).
// Prints "socketio-relay listening on http://127.0.0.1:PORT" once it listens.
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';

const { values } = parseArgs({ options: { port: { type: 'string', default: '0' } } });

const httpServer = createServer();
const io = new Server(httpServer, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });

io.on('connection', (socket) => {
  socket.on('join', (channel, ack) => {
    if (typeof channel !== 'string') return;
    socket.join(channel);
    if (typeof ack === 'function') ack();
  });
  socket.on('signal', (channel, type, payload) => {
    if (typeof channel !== 'string' || !socket.rooms.has(channel)) return;
    socket.to(channel).emit('signal', channel, type, payload);
  });
});

httpServer.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`socketio-relay listening on http://127.0.0.1:${httpServer.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
