// One rule for both endpoints (the native hub and the legacy Socket.IO endpoint): the same Host
// check, case-insensitive as host names are, and the same throttle on refusal logs, so a peer that
// repeats a refused request cannot flood the log of either one.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { SessionStore } from '../../src/hub/store';
import { startLegacyEndpoint, type LegacyEndpoint } from '../../src/hub/legacy';
import { LOG_EVERY, LOG_FIRST } from '../../src/hub/log-throttle';
import { Fixture, rawUpgrade } from './hub-support';
import { recordingLogger, type RecordingLogger } from './legacy-helpers';

/** GET with exactly these headers; resolves with the status. */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, setHost: false, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(5_000, () => req.destroy(new Error('request timed out')));
    req.end();
  });
}

const wsHeaders = (host: string, extra: Record<string, string> = {}) => ({
  Host: host,
  Connection: 'Upgrade',
  Upgrade: 'websocket',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  ...extra,
});

describe('one Host rule and one log throttle for both endpoints', () => {
  let fixture: Fixture;
  let legacy: LegacyEndpoint | undefined;
  let legacyStore: SessionStore | undefined;
  let legacyLog: RecordingLogger;
  beforeEach(async () => {
    fixture = new Fixture();
    legacyLog = recordingLogger();
    legacyStore = new SessionStore();
    legacy = await startLegacyEndpoint({ port: 0, store: legacyStore, log: legacyLog });
  });
  afterEach(async () => {
    await legacy?.close();
    legacyStore?.dispose();
    await fixture.dispose();
  });

  it('accepts the loopback Host in any letter case on both, and refuses other hosts on both', async () => {
    const hub = await fixture.hub();
    const auth = { Authorization: `Bearer ${hub.token}` };
    const handshake = '/socket.io/?EIO=4&transport=polling';
    for (const host of ['LOCALHOST', 'LocalHost', 'localhost', '127.0.0.1']) {
      assert.equal(await rawUpgrade(hub.port, wsHeaders(`${host}:${hub.port}`, auth)), 101, `native, Host ${host}`);
      assert.equal(await rawGet(legacy!.port, handshake, { Host: `${host}:${legacy!.port}` }), 200, `legacy, ${host}`);
    }
    for (const host of ['evil.example', 'localhost.', '127.0.0.2', '[::1]']) {
      assert.equal(await rawUpgrade(hub.port, wsHeaders(`${host}:${hub.port}`, auth)), 403, `native, Host ${host}`);
      assert.equal(await rawGet(legacy!.port, handshake, { Host: `${host}:${legacy!.port}` }), 403, `legacy, ${host}`);
    }
  });

  it('logs the first refusals in full, then one line per hundred with the count, on both', async () => {
    const hub = await fixture.hub();
    const refusals = 2 * LOG_EVERY + 5;
    for (let i = 0; i < refusals; i++) {
      assert.equal(await rawUpgrade(hub.port, wsHeaders(`127.0.0.1:${hub.port}`)), 401);
      assert.equal(
        await rawGet(legacy!.port, '/socket.io/?EIO=4&transport=polling', {
          Host: `localhost:${legacy!.port}`,
          Origin: 'http://evil.example',
        }),
        403,
      );
    }
    const expectedLines = LOG_FIRST + 2; // the 100th and the 200th
    const native = fixture.log.lines.filter((l) => /refused upgrade/.test(l.message));
    assert.equal(native.length, expectedLines);
    assert.match(native.at(-1)!.message, /HTTP 401, no Authorization: Bearer token \(200 refused so far\)/);
    const legacyLines = legacyLog.lines.filter((l) => /legacy endpoint: refused/.test(l));
    assert.equal(legacyLines.length, expectedLines);
    assert.match(legacyLines.at(-1)!, /\(200 refused so far\)/);
    assert.equal(legacy!.counters().refused, refusals);
  });
});
