// The README and docs/ link to each other, to source files and to pictures: every relative link and image must
// resolve to a file in the repository, and a link to a heading (`page.md#heading`) to a heading of that page.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { PICTURES } from '../../scripts/docs-pictures-steps.mjs';

const PAGES = [
  'README.md',
  'CHANGELOG.md',
  'CONTRIBUTING.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown links and images outside code: `[text](target)`, `![alt](target)` and `<img src="target">`. */
export function linksIn(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const md = [...prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const html = [...prose.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
  return [...md, ...html];
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

test('linksIn finds links and images, and skips code', () => {
  const found = linksIn('[a](x.md) ![b](p.png "t") `[c](no.md)`\n```\n[d](no2.md)\n```\n<img src="q.png" alt="">');
  assert.deepEqual(found, ['x.md', 'p.png', 'q.png']);
  assert.equal(
    slug("Draw paths: from the generator to the element's canvas"),
    'draw-paths-from-the-generator-to-the-elements-canvas',
  );
});

for (const page of PAGES) {
  test(`${page}: every relative link and image resolves`, () => {
    const broken: string[] = [];
    for (const link of linksIn(readFileSync(page, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto:, data:
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? page : normalize(join(dirname(page), decodeURIComponent(path)));
      if (target.startsWith('..') || !existsSync(target)) {
        broken.push(`${link} (no file ${target})`);
        continue;
      }
      if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)) {
        broken.push(`${link} (no heading #${anchor} in ${target})`);
      }
      if (statSync(target).isFile() && statSync(target).size === 0) broken.push(`${link} (empty file ${target})`);
    }
    assert.deepEqual(broken, [], `${page} has broken links`);
  });
}

test('every picture and clip the README and docs/ show is made again by npm run docs:pictures', () => {
  const shown = new Set<string>();
  for (const page of PAGES) {
    for (const link of linksIn(readFileSync(page, 'utf8'))) {
      if (!/\.(png|jpe?g|gif|webp|svg|webm|mp4)$/i.test(link) || /^[a-z][a-z0-9+.-]*:/i.test(link)) continue;
      shown.add(normalize(join(dirname(page), decodeURIComponent(link))));
    }
  }
  const unmade = [...shown].filter((p) => !PICTURES.includes(p)).sort();
  assert.deepEqual(unmade, [], 'pictures no step of scripts/docs-pictures.mjs makes');
});
