// The package as the Marketplace and VS Code get it (static layer of `npm test`). A copy of the
// repository is built for production and packaged with vsce, exactly as `npm run package` does,
// outside the working tree so dist/ and dist-vsix/ stay as they are. It fails when vsce warns,
// when the .vsix holds a file outside the allowlist (or lacks one the extension needs), when
// media/icon.png was not made from the current media/shannon.svg, or when package.json's version
// is not the newest release in CHANGELOG.md.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = path.resolve(__dirname, '..', '..');

/** Everything the installed extension needs, and nothing else (paths inside the .vsix). */
const PACKAGED_FILES = [
  '[Content_Types].xml',
  'extension.vsixmanifest',
  'extension/package.json',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
  'extension/dist/extension.js',
  'extension/dist/hub.js',
  'extension/dist/shannon-hub.js',
  'extension/dist/webview/main.js',
  'extension/dist/codicons/codicon.css',
  'extension/dist/codicons/codicon.ttf',
  'extension/media/shannon.svg',
  'extension/media/icon.png',
  'extension/media/monitor.css',
];

/** Made by builds, tests and tools, or not ours to package: not copied into the staging folder. */
const NOT_COPIED = new Set([
  '.git',
  'node_modules',
  'dist',
  'dist-vsix',
  'out',
  '.cache',
  'test-results',
  '.vscode-test',
]);

/** The names in a zip's central directory (the .vsix is a zip). */
function zipEntries(zip: Buffer): string[] {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, 'not a zip file: no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'corrupt central directory');
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

describe('package (vsce)', function () {
  // A production build and vsce on a shared 2-core machine; seconds when it is quiet.
  this.timeout(180_000);
  let stage: string;
  let vsce: { status: number | null; output: string };

  before(() => {
    stage = mkdtempSync(path.join(tmpdir(), 'shannon-package-'));
    for (const entry of readdirSync(repoRoot)) {
      if (!NOT_COPIED.has(entry)) cpSync(path.join(repoRoot, entry), path.join(stage, entry), { recursive: true });
    }
    symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules'), 'junction');
    const build = spawnSync(process.execPath, ['esbuild.mjs', '--production'], {
      cwd: stage,
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.equal(build.status, 0, `production build failed:\n${build.stdout}${build.stderr}`);
    // stdin closed: a question vsce asks (e.g. "LICENSE not found, continue?") is answered "no".
    const run = spawnSync(
      process.execPath,
      [
        path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
        'package',
        '--no-dependencies',
        '--out',
        'shannon.vsix',
      ],
      { cwd: stage, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    vsce = { status: run.status, output: `${run.stdout}${run.stderr}` };
  });

  after(() => rmSync(stage, { recursive: true, force: true }));

  it('vsce package succeeds and prints no warning', () => {
    assert.equal(vsce.status, 0, vsce.output);
    const complaints = vsce.output.split('\n').filter((line) => /WARNING|ERROR|\bwarn/i.test(line));
    assert.deepEqual(complaints, [], vsce.output);
  });

  it('the .vsix holds exactly what the installed extension needs', () => {
    const entries = zipEntries(readFileSync(path.join(stage, 'shannon.vsix')));
    const unexpected = entries.filter((name) => !PACKAGED_FILES.includes(name));
    const missing = PACKAGED_FILES.filter((name) => !entries.includes(name));
    assert.deepEqual(
      { unexpected, missing },
      { unexpected: [], missing: [] },
      'add a needed file to .vscodeignore and PACKAGED_FILES, or keep it out of the package',
    );
  });
});

describe('listing metadata', () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

  it('media/icon.png is a 128x128 PNG made from the current media/shannon.svg (npm run icon)', async () => {
    const icon = await import(pathToFileURL(path.join(repoRoot, 'media', 'render-icon.mjs')).href);
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(path.join(repoRoot, manifest.icon));
    const header = icon.pngChunks(png)[0];
    assert.equal(header.type, 'IHDR');
    assert.deepEqual([header.data.readUInt32BE(0), header.data.readUInt32BE(4)], [128, 128]);
    assert.equal(
      icon.pngText(png, icon.SOURCE_KEYWORD),
      icon.iconSourceHash(),
      'media/shannon.svg (or how the icon is composed) changed since media/icon.png was made: run `npm run icon`',
    );
  });

  it("package.json's version is the newest release in CHANGELOG.md, under an Unreleased section", () => {
    const changelog = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8');
    const headings = [...changelog.matchAll(/^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$/gm)];
    assert.equal(headings[0]?.[1], 'Unreleased', 'the first section is ## [Unreleased]');
    const newestRelease = headings[1];
    assert.ok(newestRelease?.[2], 'a release section reads ## [x.y.z] - YYYY-MM-DD');
    assert.equal(manifest.version, newestRelease[1]);
  });
});
