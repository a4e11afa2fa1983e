import * as assert from 'node:assert/strict';
import { MAX_TASK_LENGTH, validateTaskText } from '../../../src/cli/task-text';

describe('validateTaskText', () => {
  it('accepts ordinary text and trims it', () => {
    assert.deepEqual(validateTaskText('  add a README  '), { ok: true, task: 'add a README' });
  });

  it('treats empty, blank and undefined as a quiet cancel', () => {
    for (const raw of ['', '   ', undefined]) assert.deepEqual(validateTaskText(raw), { ok: false, reason: 'empty' });
  });

  it('keeps shell metacharacters: they are quoted later, not removed', () => {
    const hostile = '"; touch pwned # $(touch pwned) `touch pwned` | & > < \' \\';
    assert.deepEqual(validateTaskText(hostile), { ok: true, task: hostile });
  });

  it('refuses line breaks, tabs, escape sequences and Unicode line separators', () => {
    for (const raw of [
      'a\nb',
      'a\rb',
      'a\tb',
      'red \u001b[31m',
      'nul\u0000',
      'del\u007f',
      'c1\u009b',
      'ls\u2028x',
      'p\u2029q',
    ]) {
      const result = validateTaskText(raw);
      assert.equal(result.ok, false, JSON.stringify(raw));
      assert.equal(!result.ok && result.reason, 'control-characters', JSON.stringify(raw));
    }
  });

  it(`refuses more than ${MAX_TASK_LENGTH} characters, accepts exactly ${MAX_TASK_LENGTH}`, () => {
    assert.equal(validateTaskText('x'.repeat(MAX_TASK_LENGTH)).ok, true);
    const result = validateTaskText('x'.repeat(MAX_TASK_LENGTH + 1));
    assert.equal(!result.ok && result.reason, 'too-long');
    assert.match(!result.ok && result.reason !== 'empty' ? result.message : '', /4001/);
  });

  it('accepts non-ASCII text', () => {
    assert.equal(validateTaskText('Füge einen Test hinzu – 日本語 🚀').ok, true);
  });
});
