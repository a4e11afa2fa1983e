// The reference for the hub's memory under a long feed: a plain `ws` server that parses each
// frame it receives (JSON.parse, as any server must to read it) and acks the highest seq in it
// at once. No schema, no store, no journal: what Node, ws and the frames alone cost.
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString());
    const last = frame.events?.[frame.events.length - 1];
    if (last) socket.send(JSON.stringify({ type: 'ack', sessionId: last.sessionId, seq: last.seq }));
  });
});
server.on('listening', () => {
  process.send({ type: 'ready', url: `ws://127.0.0.1:${server.address().port}` });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
