/**
 * The string rules' pre-selection of `candidatesSql` (`stringSignalsSql`) in TypeScript, with
 * DuckDB's two measures (`jaro_winkler_similarity`, rapidfuzz's Jaro–Winkler: prefix weight 0.1 up
 * to 4 above 0.7; and `levenshtein`; both on UTF-8 bytes, as DuckDB computes them; the lengths
 * the Levenshtein ratio divides by are characters), for engines without them (ClickHouse 18.16): the
 * ClickHouse candidate query admits every pair the other string conditions admit and marks the
 * rows only those conditions reach (`string_only`); this keeps the ones DuckDB's SQL would keep,
 * so both engines hand the scorer the same candidates.
 */
import type { Row } from '../../data/index.ts';
import type { CandidateParams } from './sql/candidates-sql.ts';

const JW_SAFE_FROM = 0.75;
const JW_MARGIN = 0.02;

const chars = (s: string) => [...s];
/** DuckDB's two measures compare bytes (UTF-8), not characters. */
const bytes = (s: string) => [...Buffer.from(s, 'utf8')];
const nonAscii = (s: string) => /[^\x00-\x7f]/.test(s);

/** DuckDB's `jaro_winkler_similarity` (rapidfuzz). */
export function jaroWinkler(a: string, b: string): number {
  const p = bytes(a);
  const t = bytes(b);
  // DuckDB: 0 when either is empty, two empty texts included
  if (p.length === 0 || t.length === 0) return 0;
  const bound = Math.max(0, Math.floor(Math.max(p.length, t.length) / 2) - 1);
  const pFlag = new Array<boolean>(p.length).fill(false);
  const tFlag = new Array<boolean>(t.length).fill(false);
  let common = 0;
  for (let i = 0; i < p.length; i++) {
    const lo = Math.max(0, i - bound);
    const hi = Math.min(t.length - 1, i + bound);
    for (let j = lo; j <= hi; j++)
      if (!tFlag[j] && p[i] === t[j]) {
        pFlag[i] = tFlag[j] = true;
        common++;
        break;
      }
  }
  if (common === 0) return 0;
  let trans = 0;
  let k = 0;
  for (let i = 0; i < p.length; i++) {
    if (!pFlag[i]) continue;
    while (!tFlag[k]) k++;
    if (p[i] !== t[k]) trans++;
    k++;
  }
  trans = Math.floor(trans / 2);
  let sim = common / p.length + common / t.length + (common - trans) / common;
  sim /= 3.0;
  if (sim > 0.7) {
    let prefix = 0;
    const max = Math.min(4, p.length, t.length);
    while (prefix < max && p[prefix] === t[prefix]) prefix++;
    sim += prefix * 0.1 * (1.0 - sim);
  }
  return sim;
}

/** DuckDB's `levenshtein` (on UTF-8 bytes). */
export function levenshtein(a: string, b: string): number {
  const p = bytes(a);
  const t = bytes(b);
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= p.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (p[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length];
}

function similarEnough(a: string, b: string, threshold: number, p: CandidateParams): boolean {
  if (p.similarity === 'levenshtein')
    return 1 - levenshtein(a, b) / Math.max(chars(a).length, chars(b).length, 1) >= threshold - 1e-9;
  if (threshold - JW_MARGIN < JW_SAFE_FROM) return true;
  return jaroWinkler(a, b) >= threshold - JW_MARGIN;
}

const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Whether `stringSignalsSql` with DuckDB's measures admits a candidate row (its normalized columns la … nfl). */
export function stringPreselected(r: Row, p: CandidateParams): boolean {
  const [ae, fe, an, fn] = [r.advocate_email, r.friend_email, r.advocate_name, r.friend_name].map(str);
  const [la, lf, da, df, na, nf] = [r.la, r.lf, r.da, r.df, r.na, r.nf].map((v) => str(v) ?? '');
  const [naf, nal, nff, nfl] = [r.naf, r.nal, r.nff, r.nfl].map((v) => str(v) ?? '');
  const min = Math.floor(p.minLocalPartLength);
  const email =
    ae !== null &&
    fe !== null &&
    (nonAscii(ae) ||
      nonAscii(fe) ||
      (la !== '' && la === lf && da === df) ||
      (chars(la).length >= min && chars(lf).length >= min && similarEnough(la, lf, p.emailThreshold, p)));
  if (email) return true;
  const t = p.nameThreshold;
  return (
    an !== null &&
    fn !== null &&
    (nonAscii(an) ||
      nonAscii(fn) ||
      (na.includes(' ') &&
        nf.includes(' ') &&
        (na === nf ||
          (similarEnough(naf, nff, t, p) && similarEnough(nal, nfl, t, p)) ||
          (similarEnough(naf, nfl, t, p) && similarEnough(nal, nff, t, p)))))
  );
}
