// Copies each command page of docs/commands/ into its section of README.md, headings one level
// down (`node scripts/sync-readme.mjs`; `--check` exits 1 when the README is out of date).
// The page's title line `## \`name\` — subtitle` becomes `### name` and an italic subtitle.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PAGES = ['track-source', 'optimize-referrals', 'define-events', 'monitor-loyalty', 'monitor-personalization'];

// A page's measurement log (per-statement figures at scale, what was tried and not kept) stays on
// the page; the README gets a pointer to it, so that a new user does not read past it.
const MEASURED = /^### (Performance|Measured)\s*$/;

function demote(page, name) {
  const lines = page.replace(/\s+$/, '').split('\n');
  const title = /^## `(.+?)` — (.+)$/.exec(lines[0]);
  if (!title) throw new Error(`the page's first line must be "## \`name\` — subtitle": ${lines[0]}`);
  let fenced = false;
  let skipping = false;
  const body = [];
  for (const line of lines.slice(1)) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,5} /.test(line);
    if (heading && /^#{1,3} /.test(line)) skipping = false;
    if (skipping) continue;
    const measured = heading ? MEASURED.exec(line) : null;
    if (measured) {
      skipping = true;
      const anchor = measured[1].toLowerCase();
      body.push(
        `#${line}`,
        '',
        `Run time, memory and CPU at scale (\`npm run bench\`), statement by statement, and what was measured and not kept: [docs/commands/${name}.md](docs/commands/${name}.md#${anchor}).`,
        '',
      );
      continue;
    }
    body.push(heading ? `#${line}` : line);
  }
  while (body.length && body[body.length - 1] === '') body.pop();
  return [`### ${title[1]}`, '', `_${title[2]}._`, ...body];
}

function replaceSection(readme, name, section) {
  const lines = readme.split('\n');
  const start = lines.indexOf(`### ${name}`);
  if (start < 0) throw new Error(`README.md has no "### ${name}" section`);
  let end = start + 1;
  let fenced = false;
  for (; end < lines.length; end++) {
    if (/^\s*```/.test(lines[end])) fenced = !fenced;
    if (!fenced && /^#{2,3} /.test(lines[end])) break;
  }
  // keep the blank line before the next section
  return [...lines.slice(0, start), ...section, '', ...lines.slice(end)].join('\n');
}

const readmePath = path.join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
let after = before;
for (const name of PAGES) {
  const page = readFileSync(path.join(root, 'docs/commands', `${name}.md`), 'utf8');
  after = replaceSection(after, name, demote(page, name));
}
if (process.argv.includes('--check')) {
  if (after !== before) {
    console.error('README.md is out of date with docs/commands/: run `node scripts/sync-readme.mjs`');
    process.exit(1);
  }
} else if (after !== before) {
  writeFileSync(readmePath, after);
  console.log('README.md updated from docs/commands/');
} else console.log('README.md already matches docs/commands/');
