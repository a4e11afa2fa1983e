// The ceiling for the hub: a plain `ws` server that does nothing but forward every text frame a
// producer (path /pub) sends to every subscriber (path /sub). No auth, no parsing, no storage.
import { WebSocketServer } from 'ws';

const subscribers = new Set();
const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('connection', (socket, request) => {
  if (request.url === '/sub') {
    subscribers.add(socket);
    socket.on('close', () => subscribers.delete(socket));
    return;
  }
  socket.on('message', (data, isBinary) => {
    for (const subscriber of subscribers) subscriber.send(data, { binary: isBinary });
  });
});
server.on('listening', () => {
  process.send({ type: 'ready', url: `ws://127.0.0.1:${server.address().port}` });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
