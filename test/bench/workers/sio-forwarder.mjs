// The socket.io reference: a plain socket.io server that forwards every `event` a producer emits
// to every subscriber (the role comes from the handshake auth). No validation, no storage.
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
const subscribers = io.to('subscribers');
io.on('connection', (socket) => {
  if (socket.handshake.auth?.role === 'subscriber') {
    socket.join('subscribers');
    return;
  }
  socket.on('event', (payload) => subscribers.emit('event', payload));
});
http.listen(0, '127.0.0.1', () => {
  process.send({ type: 'ready', url: `http://127.0.0.1:${http.address().port}` });
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
