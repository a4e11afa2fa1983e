// `npm run bench`: the performance budget of docs/architecture.md measured side by side in one run.
// Prints a table and writes test-results/bench.json. Each figure is the median of several runs
// (default 5) with min and max. Options:
//   --only throughput,latency   run only these figures (names below)
//   --runs N                    runs per figure (default 5; fewer is not a valid figure)
//   --no-build                  use the existing dist/ and .vsix instead of `npm run package`
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stopAllChildren, withTimeout } from './lib/processes.mjs';
import { markdownTable, textTable, verdict } from './lib/report.mjs';
import { throughput } from './figures/throughput.mjs';
import { latency } from './figures/latency.mjs';
import { replay } from './figures/replay.mjs';
import { memory } from './figures/memory.mjs';
import { validation } from './figures/validation.mjs';
import { legacy } from './figures/legacy.mjs';
import { webview } from './figures/webview.mjs';
import { extension } from './figures/extension.mjs';
import { history } from './figures/history.mjs';
import { feed } from './figures/feed.mjs';
import { durability } from './figures/durability.mjs';
import { monitorHistory } from './figures/monitor-history.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** name -> what it measures; `build`: needs the production bundle; limit: seconds before it is cut off. */
const FIGURES = {
  throughput: { run: throughput, build: true, limitS: 200 },
  latency: { run: latency, build: true, limitS: 90 },
  replay: { run: replay, build: true, limitS: 60 },
  memory: { run: memory, build: false, limitS: 120 },
  validation: { run: validation, build: false, limitS: 120 },
  legacy: { run: legacy, build: true, limitS: 90 },
  webview: { run: webview, build: true, limitS: 180 },
  extension: { run: extension, build: true, limitS: 240 },
  history: { run: history, build: false, limitS: 900 },
  feed: { run: feed, build: true, limitS: 900 },
  durability: { run: durability, build: true, limitS: 900 },
  monitor1m: { run: monitorHistory, build: true, limitS: 900 },
};

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'no-build': { type: 'boolean', default: false },
  },
});
const selected = values.only
  ? values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  : Object.keys(FIGURES);
for (const name of selected) {
  if (!FIGURES[name]) {
    console.error(`bench: unknown figure "${name}"; known: ${Object.keys(FIGURES).join(', ')}`);
    process.exit(2);
  }
}
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('bench: --runs must be a positive integer');
  process.exit(2);
}

const ctx = {
  repoRoot,
  runs,
  hubBin: join(repoRoot, 'dist/shannon-hub.js'),
  throughputEvents: 100_000,
  log: (line) => console.log(line),
  build: { ran: false, packaged: false, error: undefined },
};

process.on('SIGINT', () => {
  stopAllChildren();
  process.exit(130);
});

/** The production bundle (and the .vsix, which the sizes figure reports). */
function buildProduction() {
  const started = Date.now();
  ctx.build.ran = true;
  try {
    execFileSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000 });
    ctx.build.packaged = true;
  } catch (error) {
    ctx.build.error = `npm run package failed: ${String(error.stderr ?? error.message)
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')}`;
    console.log(`bench: ${ctx.build.error}; building the production bundle alone`);
    execFileSync(process.execPath, ['esbuild.mjs', '--production'], {
      cwd: repoRoot,
      stdio: 'inherit',
      timeout: 120_000,
    });
  }
  console.log(
    `bench: production build ${ctx.build.packaged ? 'and .vsix ' : ''}in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

const startedAt = new Date();
console.log(
  `bench: ${selected.join(', ')}; ${runs} runs each; ${cpus().length} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
if (!values['no-build'] && selected.some((name) => FIGURES[name].build)) buildProduction();

const rows = [];
for (const name of selected) {
  const figure = FIGURES[name];
  const figureStarted = Date.now();
  console.log(`\n[${name}]`);
  try {
    const produced = await withTimeout(figure.run(ctx), figure.limitS * 1000, `the ${name} figure`);
    rows.push(...produced.map((row) => ({ figure: name, ...row })));
  } catch (error) {
    console.log(`  error: ${error.stack ?? error.message}`);
    rows.push({ figure: name, key: `${name}.error`, label: `${name}`, unit: '', error: error.message });
    stopAllChildren();
  }
  console.log(`  (${((Date.now() - figureStarted) / 1000).toFixed(1)} s)`);
}
stopAllChildren();

const finishedAt = new Date();
const durationS = (finishedAt - startedAt) / 1000;
console.log(`\n${textTable(rows)}\n\nbench: ${durationS.toFixed(0)} s in total`);

const report = {
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  durationS,
  runsPerFigure: runs,
  figures: selected,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: process.platform,
    loadavgAtEnd: loadavg(),
  },
  build: ctx.build,
  rows: rows.map((row) => ({ ...row, budgetMet: verdict(row) })),
  markdown: markdownTable(rows),
};
const out = join(repoRoot, 'test-results/bench.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
// The same table as markdown, ready for the README's Performance section.
const machine = `${report.machine.cpus} x ${report.machine.cpuModel ?? 'cpu'}, Node ${report.machine.node}`;
writeFileSync(
  join(repoRoot, 'test-results/bench.md'),
  `${report.markdown}\n\n${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${machine}, ${runs} runs per figure, ${durationS.toFixed(0)} s in total.\n`,
);
console.log(`bench: wrote ${out}${existsSync(out) ? '' : ' (failed)'}`);
const failed = rows.filter((row) => verdict(row) === false).length;
if (failed) console.log(`bench: ${failed} figure(s) miss their budget`);
process.exit(0);
