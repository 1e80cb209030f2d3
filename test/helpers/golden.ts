/**
 * Golden-file assertions (Observable Plot's practice): `expectGolden('report/x.html', html)`
 * compares with `test/golden/report/x.html`. On a mismatch it writes `x-changed.html` beside the
 * golden file and fails with the first differing lines; `UPDATE_GOLDEN=1` rewrites the golden
 * file instead. A missing golden file is written (and the test passes) except under `CI`, where it
 * fails so an unreviewed golden never lands silently.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Normalizer = (text: string) => string;

export interface GoldenOptions {
  /** Applied in order to the actual text before comparing (and before writing). */
  normalize?: Normalizer | Normalizer[];
}

export const GOLDEN_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../golden');

/** Renames every `id="…"` to `id-1`, `id-2`… in order of appearance, with `#…` and `url(#…)` references. */
export const stableIds: Normalizer = (text) => {
  const ids = new Map<string, string>();
  const out = text.replace(/\sid="([^"]+)"/g, (_m, id: string) => {
    if (!ids.has(id)) ids.set(id, `id-${ids.size + 1}`);
    return ` id="${ids.get(id)}"`;
  });
  return out.replace(/(url\(#|href="#|data-for=")([^)"]+)/g, (m, pre: string, id: string) =>
    ids.has(id) ? `${pre}${ids.get(id)}` : m,
  );
};

/** Rounds decimals with more than `places` digits (floating-point noise differs across machines). */
export const roundFloats =
  (places = 4): Normalizer =>
  (text) =>
    text.replace(new RegExp(`-?\\d+\\.\\d{${places + 1},}`, 'g'), (n) => {
      const r = Number(Number(n).toFixed(places));
      return Object.is(r, -0) ? '0' : String(r);
    });

/** One SVG element per line, so a diff points at the element that changed. */
export const splitSvgTags: Normalizer = (text) =>
  text.replace(/<svg[\s\S]*?<\/svg>/g, (svg) => svg.replace(/></g, '>\n<'));

/**
 * A unified diff of the first differing region: common head and tail are trimmed, the next
 * `window` lines of each side are aligned by longest common subsequence, runs of equal lines
 * are cut to `context` lines, and at most `maxLines` changed lines are shown.
 */
export function describeDiff(
  expected: string,
  actual: string,
  context = 3,
  maxLines = 40,
  window = 400,
): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x = a.slice(start, Math.min(endA, start + window));
  const y = b.slice(start, Math.min(endB, start + window));
  // lcs[i][j]: length of the LCS of x[i..] and y[j..].
  const lcs = Array.from({ length: x.length + 1 }, () => new Uint16Array(y.length + 1));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; text: string; line: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) ops.push({ op: ' ', text: x[i++], line: start + j++ });
    else if (i < x.length && (j === y.length || lcs[i + 1][j] >= lcs[i][j + 1]))
      ops.push({ op: '-', text: x[i++], line: start + j });
    else ops.push({ op: '+', text: y[j], line: start + j++ });
  }
  // Long lines (inline SVG, embedded JSON) are cut around where a changed line differs from its
  // counterpart: the n-th removed line of a change block pairs with its n-th added line.
  const focus = new Map<number, number>();
  for (let k = 0; k < ops.length;) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    const removed: number[] = [];
    const added: number[] = [];
    for (; k < ops.length && ops[k].op !== ' '; k++) (ops[k].op === '-' ? removed : added).push(k);
    for (let p = 0; p < Math.min(removed.length, added.length); p++) {
      const r = ops[removed[p]].text;
      const d = ops[added[p]].text;
      let col = 0;
      while (col < r.length && col < d.length && r[col] === d[col]) col++;
      focus.set(removed[p], col).set(added[p], col);
    }
  }
  const clip = (t: string, at = 0) => {
    if (t.length <= 200) return t;
    const from = Math.max(0, Math.min(at - 80, t.length - 200));
    return `${from > 0 ? '…' : ''}${t.slice(from, from + 200)}${from + 200 < t.length ? '…' : ''}`;
  };
  const out = [
    `first difference at line ${start + 1} (${endA - start} lines expected, ${endB - start} actual in the differing region)`,
  ];
  for (let k = Math.max(0, start - context); k < start; k++) out.push(`  ${clip(a[k])}`);
  let shown = 0;
  let lastPrinted = -1;
  for (let k = 0; k < ops.length && shown < maxLines; k++) {
    const near = ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.op !== ' ');
    if (ops[k].op === ' ' && !near) continue;
    if (lastPrinted !== -1 && k > lastPrinted + 1) out.push(`@@ line ${ops[k].line + 1} @@`);
    out.push(`${ops[k].op} ${clip(ops[k].text, focus.get(k))}`);
    if (ops[k].op !== ' ') shown++;
    lastPrinted = k;
  }
  const changed = ops.filter((o) => o.op !== ' ').length;
  if (changed > shown || endA - start > window || endB - start > window)
    out.push('… more differences follow');
  else for (let k = endA; k < Math.min(a.length, endA + context); k++) out.push(`  ${clip(a[k])}`);
  return out.join('\n');
}

const changedPath = (file: string) => {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}-changed${ext}`;
};

/**
 * @example
 * expectGolden('report/dashboard.html', html, { normalize: [stableIds, roundFloats(4), splitSvgTags] });
 */
export function expectGolden(name: string, actual: string, options: GoldenOptions = {}): void {
  const normalizers = options.normalize === undefined ? [] : [options.normalize].flat();
  const text = normalizers.reduce((t, f) => f(t), actual);
  const file = path.join(GOLDEN_DIR, name);
  const changed = changedPath(file);
  const relative = path.relative(process.cwd(), file);

  if (process.env.UPDATE_GOLDEN === '1' || (!existsSync(file) && !process.env.CI)) {
    if (!existsSync(file)) console.warn(`golden: wrote new ${relative}; review and commit it`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    rmSync(changed, { force: true });
    return;
  }
  if (!existsSync(file)) {
    throw new Error(
      `golden file ${relative} is missing; run UPDATE_GOLDEN=1 npx vitest run locally and commit it`,
    );
  }
  const expected = readFileSync(file, 'utf8');
  if (expected === text) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileSync(changed, text);
  throw new Error(
    `output differs from ${relative}\n` +
      `wrote ${path.relative(process.cwd(), changed)}; if the change is intended, run with UPDATE_GOLDEN=1\n` +
      describeDiff(expected, text),
  );
}
