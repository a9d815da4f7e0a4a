#!/usr/bin/env node
// Checks that every relative link and #anchor in README.md and docs/*.md resolves: the file exists,
// and an anchor names a heading of the target file as GitHub slugs it. External URLs are not
// fetched (no network in CI). Prints each broken link with its file and line; exits 1 if any.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'docs');
const files = [
  join(root, 'README.md'),
  ...readdirSync(docs)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(docs, name)),
];

/** The lines of a Markdown file outside fenced code blocks, with their 1-based numbers. */
function proseLines(text) {
  const lines = [];
  let fence = null;
  for (const [index, line] of text.split('\n').entries()) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line);
    if (marker) {
      if (fence === null) fence = marker[1][0];
      else if (marker[1][0] === fence) fence = null;
      continue;
    }
    if (fence === null) lines.push({ number: index + 1, line });
  }
  return lines;
}

/** A heading's anchor as GitHub makes it (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const anchorCache = new Map();
/** Every anchor a Markdown file offers: its headings' slugs, repeated ones numbered -1, -2, … */
function anchorsOf(path) {
  if (!anchorCache.has(path)) {
    const anchors = new Set();
    const seen = new Map();
    for (const { line } of proseLines(readFileSync(path, 'utf8'))) {
      const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
      if (!heading) continue;
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      anchors.add(count === 0 ? base : `${base}-${count}`);
    }
    anchorCache.set(path, anchors);
  }
  return anchorCache.get(path);
}

const problems = [];
let checked = 0;
for (const file of files) {
  for (const { number, line } of proseLines(readFileSync(file, 'utf8'))) {
    // Code spans are text, not links; keep a placeholder so that [`code`](target) still counts.
    const prose = line.replace(/(`+)(.+?)\1/g, 'code');
    for (const match of prose.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = match[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
      checked += 1;
      const [pathPart, anchor] = target.split('#', 2);
      const targetPath = pathPart === '' ? file : resolve(dirname(file), decodeURIComponent(pathPart));
      const where = `${relative(root, file)}:${number}: ${target}`;
      if (!existsSync(targetPath)) {
        problems.push(`${where}: no such file ${relative(root, targetPath)}`);
      } else if (anchor !== undefined && extname(targetPath) === '.md' && !anchorsOf(targetPath).has(decodeURIComponent(anchor))) {
        problems.push(`${where}: no heading with the anchor #${anchor} in ${relative(root, targetPath)}`);
      }
    }
  }
}

for (const problem of problems) console.error(problem);
const verdict = problems.length === 0 ? 'all resolve' : `${problems.length} broken`;
console.log(`${checked} relative links in ${files.length} files: ${verdict}`);
process.exitCode = problems.length === 0 ? 0 : 1;
