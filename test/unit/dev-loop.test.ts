// The F5 loop of desktop VS Code (.vscode/launch.json, .vscode/tasks.json). Desktop VS Code is not
// on these machines, so what the editor would do is done here with the same inputs: the watch
// task's problem matcher (its regular expressions, read from tasks.json) is applied to what
// esbuild.mjs's watch reporter prints for real builds, and the configurations are checked to name
// tasks, scripts and folders that exist.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { waitFor } from './wait';

const repoRoot = path.resolve(__dirname, '..', '..');
/** The repository's own ES modules, loaded as they run (tsx would otherwise turn them into CommonJS). */
const importScript = (file: string) => import(pathToFileURL(path.join(repoRoot, file)).href);

/** launch.json and tasks.json are JSON with whole-line `//` comments (what VS Code allows). */
function readJsonWithComments(file: string): any {
  return JSON.parse(readFileSync(path.join(repoRoot, file), 'utf8').replace(/^\s*\/\/.*$/gm, ''));
}

interface Problem {
  severity: string;
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * What VS Code's background problem matcher keeps after the output so far: each finished cycle
 * (begins pattern ... ends pattern) replaces the problems of the one before.
 */
function matchProblems(output: string, matcher: any): Problem[] | undefined {
  const pattern = new RegExp(matcher.pattern.regexp);
  const begins = new RegExp(matcher.background.beginsPattern);
  const ends = new RegExp(matcher.background.endsPattern);
  let current: Problem[] | undefined;
  let last: Problem[] | undefined;
  for (const line of output.split('\n')) {
    if (begins.test(line)) current = [];
    else if (ends.test(line)) {
      last = current;
      current = undefined;
    } else {
      const m = pattern.exec(line);
      if (m && current)
        current.push({
          severity: m[matcher.pattern.severity],
          file: m[matcher.pattern.file],
          line: Number(m[matcher.pattern.line]),
          column: Number(m[matcher.pattern.column]),
          message: m[matcher.pattern.message],
        });
    }
  }
  return last;
}

type Reporter = { plugin(name: string): esbuild.Plugin };

describe('F5 loop: the esbuild watch task reports build errors to the Problems view', function () {
  this.timeout(30_000);
  let dir: string;
  let output: string;
  let reporter: Reporter;
  const matcher = readJsonWithComments('.vscode/tasks.json').tasks.find((t: any) => t.label === 'watch').problemMatcher;

  async function build(names: string[]): Promise<void> {
    await Promise.all(
      names.map((name) =>
        esbuild
          .build({
            absWorkingDir: dir,
            entryPoints: [`${name}.ts`],
            bundle: true,
            write: false,
            logLevel: 'silent',
            plugins: [reporter.plugin(name)],
          })
          .catch(() => undefined),
      ),
    );
  }

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'shannon-watch-'));
    // `shared.ts` is in both bundles, like src/protocol is in the extension, hub and webview bundles.
    writeFileSync(path.join(dir, 'shared.ts'), 'export const shared = 1;\n');
    writeFileSync(path.join(dir, 'a.ts'), "import { shared } from './shared';\nexport const a = shared;\n");
    writeFileSync(path.join(dir, 'b.ts'), "import { shared } from './shared';\nexport const b = shared;\n");
    output = '';
    const { createWatchReporter } = await importScript('esbuild.mjs');
    reporter = createWatchReporter((text: string) => (output += text));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a syntax error gives one problem with its file, 1-based line and column, and message', async () => {
    writeFileSync(path.join(dir, 'shared.ts'), 'export const shared = 1;\nexport const broken = shared +;\n');
    await build(['a', 'b']);
    // Reported by both bundles, listed once.
    assert.deepEqual(matchProblems(output, matcher), [
      { severity: 'error', file: 'shared.ts', line: 2, column: 31, message: 'Unexpected ";"' },
    ]);
    // The column is 1-based, as the matcher expects: it points at the `;`.
    assert.equal('export const broken = shared +;'[31 - 1], ';');
    // esbuild's code frame is still printed for the reader of the terminal.
    assert.match(output, /2 │ export const broken = shared \+;/);
  });

  it('a rebuild of another bundle keeps reporting the error of the bundle that did not rebuild', async () => {
    writeFileSync(path.join(dir, 'a.ts'), 'export const a = ;\n');
    await build(['a', 'b']);
    assert.equal(matchProblems(output, matcher)?.length, 1);
    // Only b changed: a is not rebuilt, and its error must not vanish from the Problems view.
    writeFileSync(path.join(dir, 'b.ts'), 'export const b = 2;\n');
    await build(['b']);
    assert.deepEqual(
      matchProblems(output, matcher)?.map((p) => `${p.file}:${p.line}`),
      ['a.ts:1'],
    );
  });

  it('fixing the error ends with a cycle that reports no problem', async () => {
    writeFileSync(path.join(dir, 'a.ts'), 'export const a = ;\n');
    await build(['a', 'b']);
    writeFileSync(path.join(dir, 'a.ts'), 'export const a = 1;\n');
    await build(['a']);
    assert.deepEqual(matchProblems(output, matcher), []);
  });

  it('npm run watch prints the lines the matcher waits for: F5 starts once the first build is done', async function () {
    this.timeout(120_000);
    assert.equal(readJsonWithComments('package.json').scripts.watch, 'node esbuild.mjs --watch');
    // The real script on the real sources, writing into a scratch folder instead of dist/.
    for (const name of ['src', 'webview', 'node_modules', 'package.json', 'tsconfig.json'])
      symlinkSync(path.join(repoRoot, name), path.join(dir, name));
    copyFileSync(path.join(repoRoot, 'esbuild.mjs'), path.join(dir, 'esbuild.mjs'));
    const child = spawn(process.execPath, ['esbuild.mjs', '--watch'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let watchOutput = '';
    child.stdout.on('data', (chunk) => (watchOutput += chunk));
    child.stderr.on('data', (chunk) => (watchOutput += chunk));
    try {
      await waitFor(
        'the first build to finish',
        () => (watchOutput.includes('[watch] build finished') ? true : undefined),
        100_000,
      );
      assert.deepEqual(matchProblems(watchOutput, matcher), [], watchOutput);
      assert.ok(existsSync(path.join(dir, 'dist', 'extension.js')));
      // Inline source maps: breakpoints in src/ bind without .map files next to the bundle.
      assert.match(
        readFileSync(path.join(dir, 'dist', 'extension.js'), 'utf8'),
        /sourceMappingURL=data:application\/json/,
      );
    } finally {
      child.kill();
    }
  });
});

describe('F5 loop: launch and task configurations', () => {
  const launch = readJsonWithComments('.vscode/launch.json');
  const tasks = readJsonWithComments('.vscode/tasks.json').tasks as any[];
  const labels = new Set(tasks.map((task) => task.label));
  const config = (name: string) => launch.configurations.find((c: any) => c.name === name);

  it('both configurations exist and their pre-launch tasks and dependencies are defined', () => {
    for (const name of ['Run Extension', 'Extension Tests']) {
      const preLaunch = config(name)?.preLaunchTask;
      assert.ok(labels.has(preLaunch), `${name}: pre-launch task ${preLaunch}`);
      for (const dependency of tasks.find((t) => t.label === preLaunch).dependsOn ?? [])
        assert.ok(labels.has(dependency), `${preLaunch} depends on ${dependency}`);
      assert.ok(config(name).args.includes('--extensionDevelopmentPath=${workspaceFolder}'));
      assert.equal(config(name).sourceMaps, true);
    }
  });

  it('the scripts the tasks run exist', () => {
    for (const task of tasks.filter((t) => t.type === 'process')) {
      assert.ok(existsSync(path.join(repoRoot, task.args[0])), `${task.label}: ${task.args[0]}`);
    }
  });

  it('Run Extension opens the sample workspace and profile that its task prepares', async () => {
    const { devHostDir, prepareSample } = await importScript('test/harness/dev-host.mjs');
    const base = mkdtempSync(path.join(tmpdir(), 'shannon-dev-host-'));
    try {
      const workspace = prepareSample(base);
      const asLaunched = (file: string) =>
        '${workspaceFolder}/' + path.relative(repoRoot, path.join(devHostDir, path.relative(base, file)));
      const args = config('Run Extension').args as string[];
      assert.ok(args.includes(asLaunched(workspace)), `opens ${asLaunched(workspace)}`);
      const userData = path.join(base, 'sample', 'user-data');
      assert.ok(args.includes(`--user-data-dir=${asLaunched(userData)}`));
      // The profile names a CLI Shannon: Do can run: the demo stand-in unless SHANNON_CLI is set.
      const settings = JSON.parse(readFileSync(path.join(userData, 'User', 'settings.json'), 'utf8'));
      assert.ok(existsSync(settings['shannon.cli.path']), settings['shannon.cli.path']);
      assert.equal(
        readFileSync(path.join(workspace, 'README.md'), 'utf8'),
        readFileSync(path.join(repoRoot, 'test', 'fixtures', 'workspace', 'README.md'), 'utf8'),
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
