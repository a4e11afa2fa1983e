// A producer process: connects to one of the servers under test and sends events when the parent
// says `go`. Protocols: plain `ws` (ceiling), the hub's native protocol (token header + hello),
// socket.io (`event` to the forwarder, or `cli_event` to the hub's legacy endpoint).
//
// IPC from the parent: {type:'connect', target, url, token?, sessionId, ...} then
//   {type:'throughput', count, batch}  -> sends pre-serialized frames as fast as the socket takes them
//   {type:'paced', rate, count}         -> sends one event frame at a time on a schedule, each
//                                          carrying `sentAtUs` (monotonic clock, microseconds)
// Replies: connected, sent {t0Us, t1Us, count}, acked {seq, atUs}, error {message}.
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { envelope, legacyCliEvent, sampleEvent, serializedFrames } from '../lib/events.mjs';
import { nowMicros } from '../lib/stats.mjs';

let config;
let send; // (frame: string | object) => Promise<void> resolves when handed to the socket
let lastAck = 0;
let ackWaiter;

function fail(error) {
  process.send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
}

function connectWs() {
  const headers = config.token ? { Authorization: `Bearer ${config.token}` } : {};
  const url = config.target === 'ws' ? `${config.url}/pub` : config.url;
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  socket.on('error', fail);
  socket.on('close', (code, reason) => fail(new Error(`socket closed ${code} ${reason}`)));
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString());
    if (frame.type === 'welcome') process.send({ type: 'connected', welcome: frame });
    else if (frame.type === 'ack') {
      lastAck = frame.seq;
      if (ackWaiter && lastAck >= ackWaiter.seq) {
        ackWaiter.resolve();
        ackWaiter = undefined;
      }
    } else if (frame.type === 'error') fail(new Error(`hub refused a frame: ${frame.code} ${frame.message}`));
  });
  socket.on('open', () => {
    if (config.target === 'ws') process.send({ type: 'connected' });
    else {
      socket.send(
        JSON.stringify({
          type: 'hello',
          protocol: 1,
          role: 'reporter',
          sessionId: config.sessionId,
          client: { name: 'shannon-bench-producer', version: '1', pid: process.pid },
        }),
      );
    }
  });
  // Only the last frame of a chunk asks to be told when it is written (a callback per frame costs
  // the sender more than the frame itself).
  send = (frame, last) => {
    if (!last) return void socket.send(frame);
    return new Promise((resolve, reject) => socket.send(frame, (error) => (error ? reject(error) : resolve())));
  };
}

function connectSocketIo() {
  const socket = io(config.url, {
    transports: config.transports ?? ['websocket'],
    auth: { role: 'producer' },
    reconnection: false,
    extraHeaders: {},
  });
  socket.on('connect_error', fail);
  socket.on('disconnect', (reason) => fail(new Error(`socket.io disconnected: ${reason}`)));
  socket.on('connect', () => {
    // A polling-first client is ready for the figure only after the upgrade to websocket.
    const engine = socket.io.engine;
    if (engine.transport.name === 'websocket') process.send({ type: 'connected' });
    else engine.once('upgrade', () => process.send({ type: 'connected' }));
  });
  const eventName = config.target === 'legacy' ? 'cli_event' : 'event';
  send = (payload) => {
    socket.emit(eventName, payload);
    return Promise.resolve();
  };
}

/** What to send for event number i (1-based) in the protocol under test. */
function payloadsFor(count, batch) {
  if (config.target === 'legacy') return Array.from({ length: count }, (_, i) => legacyCliEvent(config.sessionId, i));
  if (config.target === 'socketio')
    return Array.from({ length: count }, (_, i) => ({ type: 'event', ...envelope(config.sessionId, i + 1) }));
  return serializedFrames(config.sessionId, count, batch, config.firstSeq ?? 1);
}

async function throughput({ count, batch }) {
  const payloads = payloadsFor(count, batch);
  const chunk = 500; // hand frames to the socket in chunks so the event loop keeps reading acks
  const t0Us = nowMicros();
  for (let i = 0; i < payloads.length; i += chunk) {
    const end = Math.min(payloads.length, i + chunk);
    for (let k = i; k < end - 1; k += 1) send(payloads[k], false);
    await send(payloads[end - 1], true);
    if (config.target === 'socketio' || config.target === 'legacy') await new Promise(setImmediate);
  }
  const t1Us = nowMicros();
  process.send({ type: 'sent', t0Us, t1Us, count });
  const lastSeq = (config.firstSeq ?? 1) + count - 1;
  if (config.target === 'hub') {
    await new Promise((resolve) => {
      if (lastAck >= lastSeq) resolve();
      else ackWaiter = { seq: lastSeq, resolve };
    });
    process.send({ type: 'acked', seq: lastSeq, atUs: nowMicros() });
  }
}

async function paced({ rate, count }) {
  const firstSeq = config.firstSeq ?? 1;
  const startUs = nowMicros();
  let sent = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const due = Math.min(count, Math.floor(((nowMicros() - startUs) / 1e6) * rate) + 1);
      while (sent < due) {
        const seq = firstSeq + sent;
        const { kind, data } = sampleEvent(sent);
        const sentAtUs = nowMicros();
        if (config.target === 'socketio') send({ type: 'event', ...envelope(config.sessionId, seq, { sentAtUs }) });
        else
          send(
            JSON.stringify({
              type: 'event',
              sessionId: config.sessionId,
              seq,
              ts: new Date().toISOString(),
              kind,
              data: { ...data, sentAtUs },
            }),
          );
        sent += 1;
      }
      if (sent >= count) resolve();
      else setTimeout(tick, 1);
    };
    tick();
  });
  process.send({ type: 'sent', t0Us: startUs, t1Us: nowMicros(), count });
}

process.on('message', (message) => {
  try {
    if (message.type === 'connect') {
      config = message;
      if (config.target === 'socketio' || config.target === 'legacy') connectSocketIo();
      else connectWs();
    } else if (message.type === 'throughput') throughput(message).catch(fail);
    else if (message.type === 'paced') paced(message).catch(fail);
  } catch (error) {
    fail(error);
  }
});
process.on('disconnect', () => process.exit(0));
