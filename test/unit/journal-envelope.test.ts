// The journal reads every line back through parseEnvelope, a quicker EventEnvelope.safeParse: it
// must accept exactly what the schema accepts and return what the schema returns. Compared here
// on valid lines and on thousands of lines broken one field at a time and at random.
import assert from 'node:assert/strict';
import { parseEnvelope } from '../../src/hub/journal-scan';
import { EventEnvelope } from '../../src/protocol/wire';

const schema = (json: unknown) => {
  const parsed = EventEnvelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
};

const VALID = { sessionId: 'do_20260101_120000_ab12cd34', seq: 7, ts: '2026-01-01T12:00:00.000Z', kind: 'log' };

/** Values each field is tried with: valid ones, edge cases and wrong ones (as JSON text). */
const VARIANTS: Record<string, string[]> = {
  sessionId: [
    '"s"',
    '"a.b:c@d-e_f"',
    `"${'x'.repeat(200)}"`,
    `"${'x'.repeat(201)}"`,
    '""',
    '"has space"',
    '"tab\\there"',
    '"line\\nbreak"',
    '"ünïcode"',
    '"emoji😀"',
    '"slash/no"',
    '"semi;colon"',
    '7',
    'null',
    '["s"]',
    '{"id":"s"}',
  ],
  seq: [
    '1',
    '42',
    '9007199254740991',
    '9007199254740992',
    '0',
    '-1',
    '-0',
    '1.5',
    '1e3',
    '1.0',
    '2e400',
    '"5"',
    'null',
    'true',
    '[1]',
  ],
  ts: [
    '"2026-01-01T12:00:00.000Z"',
    '"2026-01-01T12:00:00Z"',
    '"2026-01-01T12:00:00.123456789Z"',
    '"2026-01-01T12:00:00+02:00"',
    '"2026-01-01T12:00:00.5-11:30"',
    '"2026-01-01T12:00:00"',
    '"2026-01-01T12:00"',
    '"2026-01-01T12:00Z"',
    '"2024-02-29T00:00:00Z"',
    '"2000-02-29T00:00:00Z"',
    '"1900-02-29T00:00:00Z"',
    '"2026-02-29T00:00:00Z"',
    '"2026-04-31T00:00:00Z"',
    '"2026-13-01T00:00:00Z"',
    '"2026-01-01T24:00:00Z"',
    '"2026-01-01T12:60:00Z"',
    '"2026-01-01T12:00:60Z"',
    '"2026-01-01T12:00:00+24:00"',
    '"2026-01-01 12:00:00Z"',
    '"2026-01-01T12:00:00.Z"',
    '"2026-01-01T12:00:00z"',
    '"2026-01-01"',
    '"2026-01-01T12:00:00.000Z "',
    '" 2026-01-01T12:00:00.000Z"',
    '""',
    '1767268800000',
    'null',
  ],
  kind: [
    '"log"',
    '"skill:started"',
    '"a.b-c_d:e"',
    `"${'k'.repeat(100)}"`,
    `"${'k'.repeat(101)}"`,
    '""',
    '"with space"',
    '"ünï"',
    '"a@b"',
    '"a/b"',
    '5',
    'null',
  ],
  data: [
    '{}',
    '{"message":"hello","level":"info"}',
    '{"nested":{"deep":[1,2,{"x":null}]},"n":1.5,"b":false}',
    '{"__proto__":{"polluted":true},"a":1}',
    '{"__proto__":5}',
    '{"constructor":{"prototype":{}}}',
    '{"constructor":1}',
    '{"isPrototypeOf":1}',
    '{"10":"a","2":"b","x":"c"}',
    '{"":""}',
    '[]',
    '[1,2]',
    'null',
    '"text"',
    '3',
    'true',
  ],
};
const FIELDS = Object.keys(VARIANTS);
const validText = (field: string) =>
  field === 'data' ? '{"message":"ok"}' : JSON.stringify((VALID as Record<string, unknown>)[field]);

/** A deterministic generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function line(values: Record<string, string | undefined>, extra = ''): string {
  const parts = FIELDS.filter((f) => values[f] !== undefined).map((f) => `"${f}":${values[f]}`);
  return `{${[...parts, ...(extra ? [extra] : [])].join(',')}}`;
}

function agree(text: string): void {
  const json: unknown = JSON.parse(text);
  assert.deepStrictEqual(parseEnvelope(json), schema(json), text);
}

describe('journal: the quick envelope check is the schema', () => {
  it('returns what the schema returns for a valid line, without copying its data', () => {
    const json = JSON.parse(line(Object.fromEntries(FIELDS.map((f) => [f, validText(f)])))) as { data: object };
    const quick = parseEnvelope(json)!;
    assert.deepStrictEqual(quick, schema(json));
    assert.ok(quick.data === json.data, 'the quick path was taken (the schema would have copied data)');
  });

  it('agrees with the schema on every field broken alone, missing, or beside extra keys', () => {
    let cases = 0;
    for (const field of FIELDS) {
      for (const value of [...VARIANTS[field], undefined]) {
        const values = Object.fromEntries(FIELDS.map((f) => [f, f === field ? value : validText(f)]));
        for (const extra of ['', '"extra":1', '"__proto__":{"x":1}', '"type":"event"']) {
          agree(line(values, extra));
          cases++;
        }
      }
    }
    assert.ok(cases > 300, `${cases} cases`);
  });

  it('agrees with the schema on 5,000 random combinations of the variants', () => {
    const next = random(13);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
    for (let i = 0; i < 5_000; i++) {
      const values = Object.fromEntries(
        FIELDS.map((f) => [f, next() < 0.5 ? validText(f) : next() < 0.05 ? undefined : pick(VARIANTS[f])]),
      );
      agree(line(values, next() < 0.2 ? '"more":[1]' : ''));
    }
  });

  it('agrees with the schema on values that are not envelope objects at all', () => {
    for (const text of ['null', '1', '"text"', 'true', '[]', '[{"seq":1}]', '{}']) agree(text);
    // Not from JSON.parse, but parseEnvelope takes unknown: objects without the plain prototype.
    const bare = Object.assign(Object.create(null) as object, { message: 'x' });
    for (const data of [bare, new Map(), new Date(0), Object.create({ inherited: 1 }) as object]) {
      const json = { ...VALID, data };
      assert.deepStrictEqual(parseEnvelope(json), schema(json));
    }
  });
});
