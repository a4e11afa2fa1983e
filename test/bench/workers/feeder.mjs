// A reporter feeding one long session: `events` frames of `batch` envelopes (the throughput mix of
// test/bench/lib/events.mjs, made as it goes so the feeder itself stays small), with at most
// `window` events sent but not acknowledged, as the reporter library does (maxInFlightEvents).
// Targets: the hub's native protocol (token header, hello, acks after the journal write), or the
// plain ws sink (ws-sink.mjs), which acks each frame as soon as it has parsed it.
//
// IPC from the parent: {type:'connect', target:'hub'|'ws', url, token?, sessionId}, then
//   {type:'feed', count, batch, window}  send events 1..count, report when all are acked
//   {type:'stream', batch, window}       send from the seq after the welcome's lastSeq on, without
//                                        end, until the server goes away (the durability figure
//                                        kills it); then report the highest ack it had sent
// Replies: connected {lastSeq}, fed {acked, ms}, closed {acked, sent}, error {message}.
import WebSocket from 'ws';
import { envelope } from '../lib/events.mjs';

let config;
let socket;
let acked = 0;
let onAck = () => {};
let welcomeLastSeq = 0;
let streaming = false;
let sent = 0;

function fail(error) {
  process.send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 50);
}

function connect() {
  const headers = config.token ? { Authorization: `Bearer ${config.token}` } : {};
  socket = new WebSocket(config.url, { headers, perMessageDeflate: false });
  socket.on('error', (error) => {
    if (!streaming) fail(error);
  });
  socket.on('close', (code, reason) => {
    if (!streaming) return fail(new Error(`socket closed ${code} ${reason}`));
    streaming = false;
    process.send({ type: 'closed', acked, sent });
  });
  socket.on('message', (raw) => {
    const frame = JSON.parse(raw.toString());
    if (frame.type === 'welcome') {
      welcomeLastSeq = frame.lastSeq;
      process.send({ type: 'connected', lastSeq: frame.lastSeq });
    } else if (frame.type === 'ack') {
      acked = Math.max(acked, frame.seq);
      onAck();
    } else if (frame.type === 'error') fail(new Error(`the server refused a frame: ${frame.code} ${frame.message}`));
  });
  socket.on('open', () => {
    if (config.target === 'ws') return void process.send({ type: 'connected', lastSeq: 0 });
    socket.send(
      JSON.stringify({
        type: 'hello',
        protocol: 1,
        role: 'reporter',
        sessionId: config.sessionId,
        client: { name: 'shannon-bench-feeder', version: '1', pid: process.pid },
      }),
    );
  });
}

async function feed({ count, batch, window }) {
  const started = performance.now();
  let next = 1;
  while (acked < count) {
    // Send while the window and the socket allow, then wait for an ack.
    while (next <= count && next - 1 - acked < window && socket.bufferedAmount < 1024 * 1024) {
      const events = [];
      for (const end = Math.min(count, next + batch - 1); next <= end; next += 1) {
        events.push(envelope(config.sessionId, next));
      }
      socket.send(JSON.stringify({ type: 'events', events }));
    }
    await new Promise((resolve) => {
      onAck = resolve;
      // bufferedAmount has no event: look again soon when the socket, not the window, held us back.
      if (next <= count && next - 1 - acked < window) setTimeout(resolve, 1);
    });
  }
  process.send({ type: 'fed', acked, ms: performance.now() - started });
}

async function stream({ batch, window }) {
  streaming = true;
  let next = welcomeLastSeq + 1;
  acked = welcomeLastSeq;
  while (streaming) {
    while (streaming && next - 1 - acked < window && socket.bufferedAmount < 1024 * 1024) {
      const events = [];
      for (const end = next + batch - 1; next <= end; next += 1) events.push(envelope(config.sessionId, next));
      socket.send(JSON.stringify({ type: 'events', events }));
      sent = next - 1;
    }
    await new Promise((resolve) => {
      onAck = resolve;
      setTimeout(resolve, 1);
    });
  }
}

process.on('message', (message) => {
  try {
    if (message.type === 'connect') {
      config = message;
      connect();
    } else if (message.type === 'feed') feed(message).catch(fail);
    else if (message.type === 'stream') stream(message).catch(fail);
  } catch (error) {
    fail(error);
  }
});
process.on('disconnect', () => process.exit(0));
