import * as assert from 'node:assert/strict';
import { outcomeForExit } from '../../../src/cli/command-outcome';
import { validateEventData } from '../../../src/protocol/wire';

describe('outcomeForExit', () => {
  it('exit 130 (Ctrl-C) is a cancellation', () => {
    const outcome = outcomeForExit(130, 'command-ended');
    assert.equal(outcome.kind, 'execution:cancelled');
    assert.equal(outcome.kind === 'execution:cancelled' && outcome.data.exitCode, 130);
  });

  it('any other non-zero exit is a failure carrying the code', () => {
    const outcome = outcomeForExit(3, 'command-ended');
    assert.equal(outcome.kind, 'execution:failed');
    assert.equal(outcome.kind === 'execution:failed' && outcome.data.exitCode, 3);
    assert.match(outcome.kind === 'execution:failed' ? outcome.data.error : '', /code 3/);
  });

  it("the shell's own 127 and 126 say the CLI never ran", () => {
    const missing = outcomeForExit(127, 'command-ended');
    assert.match(missing.kind === 'execution:failed' ? missing.data.error : '', /could not find the Shannon CLI/);
    const notExecutable = outcomeForExit(126, 'command-ended');
    assert.match(notExecutable.kind === 'execution:failed' ? notExecutable.data.error : '', /not executable/);
  });

  it('exit 0 or an unknown code without a final event is a lost session', () => {
    assert.equal(outcomeForExit(0, 'command-ended').kind, 'lost');
    const closed = outcomeForExit(undefined, 'terminal-closed');
    assert.equal(closed.kind, 'lost');
    assert.match(closed.kind === 'lost' ? closed.reason : '', /terminal was closed/);
  });

  it('the events it produces pass the protocol schemas', () => {
    for (const code of [1, 130]) {
      const outcome = outcomeForExit(code, 'command-ended');
      assert.notEqual(outcome.kind, 'lost');
      if (outcome.kind === 'lost') continue;
      const checked = validateEventData({
        sessionId: 'do_x',
        seq: 1,
        ts: new Date().toISOString(),
        kind: outcome.kind,
        data: outcome.data,
      });
      assert.equal(checked.ok, true);
    }
  });
});
