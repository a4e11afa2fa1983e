import * as assert from 'node:assert/strict';
import { matchShannonCommand, shellWords } from '../../../src/cli/shannon-command-line';

describe('recognising a Shannon CLI command line (shell integration)', () => {
  it('matches `shannon do …` and reads --session-id in both spellings', () => {
    assert.deepEqual(matchShannonCommand('shannon do "add a login page" --dashboard', 'shannon'), {});
    assert.deepEqual(matchShannonCommand('shannon do x --session-id do_20260101_120000_0000abcd', 'shannon'), {
      sessionId: 'do_20260101_120000_0000abcd',
    });
    assert.deepEqual(matchShannonCommand("shannon do 'x y' --session-id='my run'", 'shannon'), { sessionId: 'my run' });
  });

  it('matches a path to shannon, the configured CLI, and after assignments, wrappers and separators', () => {
    assert.ok(matchShannonCommand('/home/me/.local/bin/shannon do x', 'shannon'));
    assert.ok(matchShannonCommand('./tools/my-shannon.sh do x', '/repo/tools/my-shannon.sh'));
    assert.ok(matchShannonCommand('/repo/tools/my-shannon.sh do x', '/repo/tools/my-shannon.sh'));
    assert.ok(matchShannonCommand('SHANNON_SESSION_ID=a env FOO=1 shannon do x', 'shannon'));
    assert.ok(matchShannonCommand('cd project && time shannon do x', 'shannon'));
    assert.ok(matchShannonCommand('echo start; shannon do x | tee log', 'shannon'));
  });

  it('does not match other programs or shannon as an argument', () => {
    assert.equal(matchShannonCommand('python -m http.server 8000', 'shannon'), undefined);
    assert.equal(matchShannonCommand('echo shannon do x', 'shannon'), undefined);
    assert.equal(matchShannonCommand('git commit -m "shannon do"', 'shannon'), undefined);
    assert.equal(matchShannonCommand('shannonx do x', 'shannon'), undefined);
    assert.equal(matchShannonCommand('', 'shannon'), undefined);
  });

  it('splits words like a shell: quotes, escapes and separators', () => {
    assert.deepEqual(shellWords(`a "b c" 'd e' f\\ g&&h;i|j`), [
      'a',
      'b c',
      'd e',
      'f g',
      '&',
      '&',
      'h',
      ';',
      'i',
      '|',
      'j',
    ]);
  });
});
