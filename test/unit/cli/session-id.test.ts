import * as assert from 'node:assert/strict';
import { makeSessionId, SESSION_ID_PATTERN } from '../../../src/reporter/session-id';
import { SessionId } from '../../../src/protocol/wire';

describe('makeSessionId', () => {
  it('uses the CLI format with local date and time', () => {
    const id = makeSessionId(new Date(2025, 10, 16, 15, 33, 16), '856369b4');
    assert.equal(id, 'do_20251116_153316_856369b4');
  });

  it('pads single-digit months, days and times', () => {
    assert.equal(makeSessionId(new Date(2026, 0, 2, 3, 4, 5), '0000000a'), 'do_20260102_030405_0000000a');
  });

  it('makes different valid ids when called twice in the same second', () => {
    const now = new Date();
    const first = makeSessionId(now);
    const second = makeSessionId(now);
    assert.match(first, SESSION_ID_PATTERN);
    assert.match(second, SESSION_ID_PATTERN);
    assert.notEqual(first, second);
    assert.ok(SessionId.safeParse(first).success, 'the wire protocol must accept the id');
  });

  it('refuses a random part that is not 8 hex chars', () => {
    assert.throws(() => makeSessionId(new Date(), 'xyz'), /8 lowercase hex/);
  });
});
