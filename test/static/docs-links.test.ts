// Links between the repository's documents (static layer): the README is split into docs/ and
// several people edit both, so a moved section or a renamed heading must not leave a link pointing
// nowhere. Every relative link must name an existing file, and every #anchor a heading of the
// target, spelled as GitHub (and the Marketplace, after vsce rewrites the links) makes them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');
const documents = [
  'README.md',
  'CHANGELOG.md',
  'test/README.md',
  ...readdirSync(path.join(repoRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown without fenced code blocks and inline code (a link shown as code is not a link). */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

describe('links between the documents', () => {
  for (const document of documents) {
    it(`${document}: every relative link and anchor resolves`, () => {
      const source = readFileSync(path.join(repoRoot, document), 'utf8');
      const broken: string[] = [];
      for (const [, target] of prose(source).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target)) continue; // https:, mailto:
        const [file, anchor] = target.split('#');
        const resolved = file
          ? path.resolve(path.dirname(path.join(repoRoot, document)), file)
          : path.join(repoRoot, document);
        if (!existsSync(resolved)) {
          broken.push(`${target}: no such file`);
          continue;
        }
        if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
          if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor))
            broken.push(`${target}: no heading with that anchor in ${path.relative(repoRoot, resolved)}`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it('anchors are spelled as GitHub makes them', () => {
    const anchors = headingAnchors("# A\n## Works with today's Shannon CLI\n### `run`: a command\n## A\n");
    assert.deepEqual([...anchors], ['a', 'works-with-todays-shannon-cli', 'run-a-command', 'a-1']);
  });
});
