import * as assert from 'node:assert/strict';
import { DEFAULT_CLI_ARGS, expandArgs } from '../../../src/cli/args-template';

const variables = { task: 'fix the bug', sessionId: 'do_20260101_120000_deadbeef', workspaceFolder: '/w/project' };

describe('expandArgs', () => {
  it('expands the default template to the CLI invocation', () => {
    const result = expandArgs(DEFAULT_CLI_ARGS, variables);
    assert.deepEqual(result.args, ['do', 'fix the bug', '--dashboard', '--session-id', 'do_20260101_120000_deadbeef']);
    assert.deepEqual(result.unknownVariables, []);
    assert.equal(result.usesTask, true);
  });

  it('keeps a task with spaces and quotes as one argument', () => {
    const task = `"; touch pwned # $(touch pwned) \`touch pwned\``;
    const result = expandArgs(['do', '${task}'], { ...variables, task });
    assert.deepEqual(result.args, ['do', task]);
  });

  it('does not expand placeholders that appear inside the task (single pass)', () => {
    const result = expandArgs(['${task}', '${sessionId}'], {
      ...variables,
      task: 'say ${sessionId} and ${workspaceFolder}',
    });
    assert.deepEqual(result.args, ['say ${sessionId} and ${workspaceFolder}', variables.sessionId]);
  });

  it('expands inside a larger element and supports the workspace folder', () => {
    const result = expandArgs(['--id=${sessionId}', '--root', '${workspaceFolder}'], variables);
    assert.deepEqual(result.args, ['--id=do_20260101_120000_deadbeef', '--root', '/w/project']);
  });

  it('reports unknown placeholders and leaves them as written', () => {
    const result = expandArgs(['${task}', '${nope}', '${env:HOME}'], variables);
    assert.deepEqual(result.args, ['fix the bug', '${nope}', '${env:HOME}']);
    assert.deepEqual(result.unknownVariables, ['nope']);
  });

  it('says when the template never uses the task', () => {
    assert.equal(expandArgs(['status'], variables).usesTask, false);
  });

  it('does not treat prototype keys as variables', () => {
    const result = expandArgs(['${constructor}', '${toString}'], variables);
    assert.deepEqual(result.args, ['${constructor}', '${toString}']);
    assert.deepEqual(result.unknownVariables, ['constructor', 'toString']);
  });
});
