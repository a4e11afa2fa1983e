import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  buildCommandLine,
  detectShellKind,
  quoteCmd,
  quoteFish,
  quotePosix,
  quotePwsh,
} from '../../../src/cli/shell-quote';

const HOSTILE = [
  '"; touch pwned #',
  '$(touch pwned)',
  '`touch pwned`',
  "it's; touch pwned",
  "'; touch pwned; '",
  '$HOME ${HOME} ~ * ? [a] {a,b}',
  '!! !$ ^a^b',
  'a && touch pwned || touch pwned; touch pwned | cat > pwned < x',
  '\\"\\\\\'',
  '-n',
  '',
  '%PATH% ^& %% !x!',
  '=ls',
  '%self',
  '~root',
  'a=b',
  'Füge 日本語 🚀 ‘smart’ “quotes”',
];

// Real shells available on this machine; each must hand every string to the program unchanged.
const POSIX_SHELLS = ['/bin/sh', '/bin/bash', '/bin/dash', '/usr/bin/zsh'].filter((shell) => existsSync(shell));

describe('shell quoting', () => {
  describe('detectShellKind', () => {
    it('recognises shells by path and name', () => {
      assert.equal(detectShellKind('/bin/bash', 'linux'), 'posix');
      assert.equal(detectShellKind('/usr/bin/zsh', 'darwin'), 'posix');
      assert.equal(detectShellKind('/bin/sh'), 'posix');
      assert.equal(detectShellKind('/opt/homebrew/bin/fish', 'darwin'), 'fish');
      assert.equal(detectShellKind('C:\\Program Files\\PowerShell\\7\\pwsh.exe', 'win32'), 'pwsh');
      assert.equal(detectShellKind('C:\\WINDOWS\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'win32'), 'pwsh');
      assert.equal(detectShellKind('C:\\WINDOWS\\System32\\cmd.exe', 'win32'), 'cmd');
      assert.equal(detectShellKind('/usr/bin/pwsh', 'linux'), 'pwsh');
      // The names VS Code reports as terminal.state.shell.
      assert.equal(detectShellKind('gitbash', 'win32'), 'posix');
      assert.equal(detectShellKind('zsh', 'darwin'), 'posix');
    });

    it('falls back to the platform default for unknown shells', () => {
      assert.equal(detectShellKind(undefined, 'linux'), 'posix');
      assert.equal(detectShellKind('/usr/bin/xonsh', 'linux'), 'posix');
      assert.equal(detectShellKind(undefined, 'win32'), 'pwsh');
    });
  });

  describe('POSIX shells, executed for real', () => {
    let workDir: string;
    beforeEach(() => {
      workDir = mkdtempSync(path.join(tmpdir(), 'shannon-quote-'));
    });
    afterEach(() => rmSync(workDir, { recursive: true, force: true }));

    for (const shell of POSIX_SHELLS) {
      it(`${shell}: every hostile string arrives as one literal argument and nothing runs`, () => {
        const printArgv = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
        const commandLine = buildCommandLine('posix', process.execPath, ['-e', printArgv, ...HOSTILE]);
        const output = execFileSync(shell, ['-c', commandLine], { cwd: workDir, encoding: 'utf8', timeout: 10_000 });
        assert.deepEqual(JSON.parse(output), HOSTILE);
        assert.deepEqual(readdirSync(workDir), [], 'a command in an argument was executed');
      });
    }

    it('bash in interactive mode (history expansion on) keeps `!` literal', function () {
      if (!existsSync('/bin/bash')) this.skip();
      const printArgv = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
      const commandLine = buildCommandLine('posix', process.execPath, ['-e', printArgv, '!! !$ "!x"']);
      const output = execFileSync('/bin/bash', ['-c', `set -H; ${commandLine}`], {
        cwd: workDir,
        encoding: 'utf8',
        timeout: 10_000,
      });
      assert.deepEqual(JSON.parse(output), ['!! !$ "!x"']);
    });
  });

  describe('fish, executed for real when installed', () => {
    it('every hostile string arrives as one literal argument and nothing runs', function () {
      const fish = ['/usr/bin/fish', '/usr/local/bin/fish', '/opt/homebrew/bin/fish'].find((candidate) =>
        existsSync(candidate),
      );
      if (!fish) this.skip();
      const workDir = mkdtempSync(path.join(tmpdir(), 'shannon-quote-fish-'));
      try {
        const printArgv = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
        const commandLine = buildCommandLine('fish', process.execPath, ['-e', printArgv, ...HOSTILE]);
        const output = execFileSync(fish!, ['--no-config', '-c', commandLine], {
          cwd: workDir,
          encoding: 'utf8',
          timeout: 10_000,
        });
        assert.deepEqual(JSON.parse(output), HOSTILE);
        assert.deepEqual(readdirSync(workDir), []);
      } finally {
        rmSync(workDir, { recursive: true, force: true });
      }
    });
  });

  describe('quoting rules (also for shells not installed here)', () => {
    it('POSIX leaves plain words bare and single-quotes the rest', () => {
      assert.equal(quotePosix('--session-id'), '--session-id');
      assert.equal(quotePosix('a b'), "'a b'");
      assert.equal(quotePosix("it's"), "'it'\\''s'");
      assert.equal(quotePosix(''), "''");
    });

    it('fish escapes only backslash and single quote inside single quotes', () => {
      assert.equal(quoteFish('$(touch pwned)'), "'$(touch pwned)'");
      assert.equal(quoteFish("it's \\n"), "'it\\'s \\\\n'");
    });

    it('PowerShell doubles straight and typographic single quotes', () => {
      assert.equal(quotePwsh('$(touch pwned)'), "'$(touch pwned)'");
      assert.equal(quotePwsh("it's"), "'it''s'");
      assert.equal(quotePwsh('\u2018x\u2019'), "'\u2018\u2018x\u2019\u2019'");
      assert.equal(
        buildCommandLine('pwsh', 'C:\\bin\\shannon.exe', ['do', '"; rm -r #']),
        `& 'C:\\bin\\shannon.exe' 'do' '"; rm -r #'`,
      );
    });

    it('cmd: MSVCRT quoting, then a caret before every metacharacter (quotes included)', () => {
      assert.equal(quoteCmd('a b'), '^"a b^"');
      assert.equal(quoteCmd('"; touch pwned #'), '^"\\^"; touch pwned #^"');
      assert.equal(quoteCmd('a & b | c > d < e ^ f % g ! h ( i )'), '^"a ^& b ^| c ^> d ^< e ^^ f ^% g ^! h ^( i ^)^"');
      // Backslashes double only before a quote (and before the closing quote).
      assert.equal(quoteCmd('C:\\dir\\'), '^"C:\\dir\\\\^"');
      assert.equal(quoteCmd('x\\"y'), '^"x\\\\\\^"y^"');
    });

    it('cmd: arguments to a batch file are escaped twice, the program path is plainly quoted', () => {
      assert.equal(quoteCmd('a&b', { batchTarget: true }), '^^^"a^^^&b^^^"');
      assert.equal(
        buildCommandLine('cmd', 'C:\\Program Files\\shannon\\shannon.cmd', ['do', 'x&y']),
        '"C:\\Program Files\\shannon\\shannon.cmd" ^^^"do^^^" ^^^"x^^^&y^^^"',
      );
      assert.equal(buildCommandLine('cmd', 'shannon', ['do']), 'shannon ^"do^"');
    });

    it('no quoting ever produces a line break', () => {
      for (const kind of ['posix', 'fish', 'pwsh', 'cmd'] as const) {
        assert.doesNotMatch(buildCommandLine(kind, 'shannon', HOSTILE), /[\r\n]/);
      }
    });
  });
});
