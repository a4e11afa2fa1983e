// A subscriber process: receives forwarded events from one of the servers under test and reports
// when it has seen `expect` of them. Every received frame is parsed (JSON), as a real view would.
//
// IPC: {type:'connect', target:'ws'|'hub'|'socketio', url, token?, sessionId?, expect,
//       measure:'arrival'|'latency'|'replay'}
//   arrival: report the monotonic time of the last expected event
//   latency: per event, now - data.sentAtUs (microseconds), all reported at the end
//   replay:  the hub hello is sent on {type:'hello'}; report the time from that hello to the last event
// Replies: connected, done {firstAtUs, lastAtUs, helloAtUs?, latenciesUs?, received}, error.
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import { nowMicros } from '../lib/stats.mjs';

let config;
let received = 0;
let firstAtUs;
let helloAtUs;
let finished = false;
let lastSeq = 0;
let outOfOrder = 0;
const latenciesUs = [];
let sendHello;
let closePrevious;

function fail(error) {
  if (finished) return;
  process.send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
}

/** Count the events of one received frame or payload (a plain event, a batch, or a `stored` frame). */
function onEvents(events) {
  const atUs = nowMicros();
  if (firstAtUs === undefined) firstAtUs = atUs;
  for (const event of events) {
    if (config.sessionId && event.sessionId && event.sessionId !== config.sessionId) continue;
    received += 1;
    // A replay must arrive in order: count any event whose seq is not above the one before.
    if (config.measure === 'replay') {
      if (event.seq <= lastSeq) outOfOrder += 1;
      lastSeq = event.seq;
    }
    if (config.measure === 'latency' && typeof event.data?.sentAtUs === 'number')
      latenciesUs.push(atUs - event.data.sentAtUs);
  }
  if (!finished && received >= config.expect) {
    finished = true;
    process.send({
      type: 'done',
      firstAtUs,
      lastAtUs: atUs,
      helloAtUs,
      received,
      outOfOrder,
      latenciesUs: config.measure === 'latency' ? latenciesUs : undefined,
    });
  }
}

function onFrame(text) {
  const frame = JSON.parse(text);
  switch (frame.type) {
    case 'event':
      onEvents([frame]);
      break;
    case 'events':
    case 'stored':
      onEvents(frame.events);
      break;
    case 'welcome':
      if (config.measure !== 'replay' || helloAtUs === undefined) process.send({ type: 'connected', welcome: frame });
      break;
    case 'error':
      fail(new Error(`server sent an error: ${frame.code} ${frame.message}`));
      break;
    default:
  }
}

function connectWs() {
  const headers = config.token ? { Authorization: `Bearer ${config.token}` } : {};
  const url = config.target === 'ws' ? `${config.url}/sub` : config.url;
  const socket = new WebSocket(url, { headers, perMessageDeflate: false });
  socket.on('error', fail);
  const onClose = (code, reason) => fail(new Error(`socket closed ${code} ${reason}`));
  socket.on('close', onClose);
  socket.on('message', (raw) => onFrame(raw.toString()));
  closePrevious = () => {
    socket.off('close', onClose);
    socket.removeAllListeners('message');
    socket.close();
  };
  sendHello = () => {
    helloAtUs = nowMicros();
    socket.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        role: 'subscriber',
        sessionId: config.sessionId,
        client: { name: 'shannon-bench-subscriber', version: '1', pid: process.pid },
      }),
    );
  };
  socket.on('open', () => {
    if (config.target === 'ws') process.send({ type: 'connected' });
    else if (config.measure === 'replay') process.send({ type: 'open' });
    else sendHello();
  });
}

function connectSocketIo() {
  const socket = io(config.url, { transports: ['websocket'], auth: { role: 'subscriber' }, reconnection: false });
  socket.on('connect_error', fail);
  socket.on('disconnect', (reason) => fail(new Error(`socket.io disconnected: ${reason}`)));
  socket.on('connect', () => process.send({ type: 'connected' }));
  socket.on('event', (payload) => onEvents([payload]));
}

process.on('message', (message) => {
  try {
    if (message.type === 'connect') {
      // A worker may connect again (replay: a warm-up replay, then the measured one); start over.
      closePrevious?.();
      config = message;
      received = 0;
      firstAtUs = undefined;
      helloAtUs = undefined;
      finished = false;
      lastSeq = 0;
      outOfOrder = 0;
      latenciesUs.length = 0;
      if (config.target === 'socketio') connectSocketIo();
      else connectWs();
    } else if (message.type === 'hello') sendHello();
  } catch (error) {
    fail(error);
  }
});
process.on('disconnect', () => process.exit(0));
