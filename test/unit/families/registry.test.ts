// The event-family registry holds together: every kind the protocol knows has exactly one family,
// a data schema, a row text, a colour and a legacy reading; every array of the session summary is
// kept by the webview's delta merge. Adding a kind and forgetting one of these fails here.
import assert from 'node:assert/strict';
import * as z from 'zod';
import {
  EVENT_FAMILIES,
  FINAL_EVENT_KINDS,
  SUMMARY_ARRAYS,
  familyOf,
  knownKinds,
  legacyFamilyOf,
  normalizeEventType,
  rowTone,
  summarizeEvent,
} from '../../../src/protocol/families/index';
import { KNOWN_EVENT_DATA, dataSchemaFor } from '../../../src/protocol/events';
import { SessionSummary } from '../../../src/protocol/session';
import { normalizeLegacyEvent } from '../../../src/protocol/legacy';
import { createSummary } from '../../../src/hub/session-model';
import { SHARED_ARRAYS } from '../../../webview/monitor-model';

const envelope = (kind: string, data: Record<string, unknown> = {}) => ({
  sessionId: 's',
  seq: 1,
  ts: '2026-01-01T10:00:00.000Z',
  kind,
  data,
});

describe('event families: the registry', () => {
  it('knows each kind in exactly one family, and every family kind has a data schema and vice versa', () => {
    const seen = new Map<string, string>();
    for (const family of EVENT_FAMILIES) {
      for (const kind of Object.keys(family.kinds)) {
        assert.ok(!seen.has(kind), `${kind} is declared by ${seen.get(kind)} and ${family.name}`);
        seen.set(kind, family.name);
        assert.ok(kind === family.name || kind.startsWith(`${family.name}:`), `${kind} belongs to ${family.name}`);
        assert.ok(dataSchemaFor(kind), `${kind} has a data schema`);
      }
    }
    assert.deepEqual(Object.keys(KNOWN_EVENT_DATA).sort(), [...seen.keys()].sort());
    assert.deepEqual(knownKinds().sort(), [...seen.keys()].sort());
  });

  it('gives every known kind a row text, a colour and a legacy reading', () => {
    for (const kind of Object.keys(KNOWN_EVENT_DATA)) {
      const family = familyOf(kind);
      assert.ok(family, `${kind} has a family`);
      const spec = family.kinds[kind];
      assert.equal(typeof spec.summary, 'function', `${kind} has a row text`);
      // Rows are written for unchecked data: empty data must not throw.
      assert.equal(typeof summarizeEvent(envelope(kind)), 'string');
      assert.ok(['good', 'bad', 'warn', 'plain'].includes(rowTone(envelope(kind))), `${kind} has a colour`);
      assert.ok(spec.legacy === 'normalize' || spec.legacy === 'as-sent', `${kind} declares its legacy reading`);
      if (spec.legacy === 'normalize') assert.equal(legacyFamilyOf(kind), family, `${kind} is read by its family`);
    }
  });

  it('reads the old underscore spelling of every normalized kind as the colon spelling', () => {
    for (const family of EVENT_FAMILIES) {
      for (const [kind, spec] of Object.entries(family.kinds)) {
        if (spec.legacy !== 'normalize') continue;
        assert.equal(normalizeEventType(kind), kind);
        if (family.legacy?.underscore) assert.equal(normalizeEventType(kind.replace(':', '_')), kind);
      }
      for (const [alias, kind] of Object.entries(family.legacy?.aliases ?? {})) {
        assert.equal(normalizeEventType(alias), kind);
        assert.ok(familyOf(kind) === family, `alias ${alias} maps onto a kind of ${family.name}`);
      }
    }
  });

  it('keeps every array of the session summary identical across deltas in the webview (SHARED_ARRAYS)', () => {
    const arrays = Object.entries(SessionSummary.shape)
      .filter(([, schema]) => {
        let inner: z.ZodType = schema;
        while (inner instanceof z.ZodOptional || inner instanceof z.ZodDefault)
          inner = (inner as z.ZodOptional<z.ZodType>).unwrap();
        return inner instanceof z.ZodArray;
      })
      .map(([key]) => key)
      .sort();
    assert.ok(arrays.includes('checks') && arrays.includes('agents'));
    assert.deepEqual([...SHARED_ARRAYS].sort(), arrays);
    assert.deepEqual([...SUMMARY_ARRAYS].sort(), arrays);
  });

  it('starts every family slice of a new session empty, and the summary passes its schema', () => {
    const summary = createSummary('s', { source: 'native', createdAt: '2026-01-01T10:00:00.000Z' });
    for (const key of SUMMARY_ARRAYS) {
      if (key === 'capabilities') continue;
      assert.deepEqual(summary[key], [], `${key} starts empty`);
    }
    assert.ok(SessionSummary.safeParse(summary).success);
  });

  it('ends a session on exactly the execution family final kinds', () => {
    assert.deepEqual([...FINAL_EVENT_KINDS].sort(), ['execution:cancelled', 'execution:completed', 'execution:failed']);
  });

  it('shows a kind no family knows as a plain row with its line, message or data', () => {
    assert.equal(familyOf('deploy:started'), undefined);
    assert.equal(summarizeEvent(envelope('deploy:started', { target: 'prod' })), '{"target":"prod"}');
    assert.equal(summarizeEvent(envelope('deploy:step', { message: 'copying' })), 'copying');
    assert.equal(rowTone(envelope('deploy:failed')), 'bad');
    assert.equal(rowTone(envelope('deploy:completed')), 'good');
    assert.equal(rowTone(envelope('deploy:started')), 'plain');
    const legacy = normalizeLegacyEvent(
      { session_id: 'x', event_type: 'deploy:started', data: { target_env: 'prod' } },
      new Date(),
    );
    assert.ok(legacy.ok);
    assert.deepEqual(legacy.event.data, { target_env: 'prod' }, 'kept as sent');
  });
});
