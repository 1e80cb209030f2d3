/**
 * Touches naming several partners. Normalization gives such a touch the partners' ids sorted and
 * joined by `|` (`acme|beta`, data/normalize/utm-sql.ts). The models credit that list as one value of
 * the partner dimension (the touch's credit under every rule-based model is the model's weight of
 * that touch; in markov, shapley and fractribution the co-marketed touch is one state of the path),
 * and the list's credit is then split equally among its partners: totals stay the same.
 *
 * Only such a list is split. A partner value that is no partner is kept as written (lower-cased),
 * and it may hold a `|` too (`acme|foo`, `acme|acme`, `a||b`): it stays one value, as normalization
 * left it (reported in `normalization.unknown_partners`), instead of giving a partner a share of a
 * value that normalization did not read as naming it and making pseudo-partners of the rest (`foo`).
 * A value is a list when it is two or more distinct partner ids of gtm.yaml joined by `|` (what
 * normalization writes, and nothing else it writes is), and is not itself a partner id (ids cannot
 * hold a `|` in gtm.yaml; an exact id would win). The funnel's SQL applies the same rule
 * (`partnerMembersSql` / `partnerMembersCh`).
 */
import { PARTNER_LIST_JOINER } from '../../data/normalize/utm-sql.ts';
import type { CreditLine } from './attribute-stage.ts';

/** The ids of gtm.yaml's partners: the only parts a partner list is made of. */
export const partnerIdsOf = (ws: { partners: readonly { id: string }[] }): ReadonlySet<string> =>
  new Set(ws.partners.map((p) => p.id));

/**
 * The partners of a credited value: the members of a partner list, else the value itself.
 * @example partnersOf('acme|beta', new Set(['acme', 'beta'])) // ['acme', 'beta']
 * @example partnersOf('acme|foo', new Set(['acme', 'beta'])) // ['acme|foo']
 */
export function partnersOf(key: string, ids: ReadonlySet<string>): string[] {
  if (!key.includes(PARTNER_LIST_JOINER) || ids.has(key)) return [key];
  const parts = key.split(PARTNER_LIST_JOINER);
  const list = new Set(parts).size === parts.length && parts.every((p) => ids.has(p));
  return list ? parts : [key];
}

/**
 * The partner lines with every list's credit split equally among its partners (pipeline, revenue,
 * opportunities and won deals; each partner counts the list's touches, since it was on each). A
 * partner that received a share of a list loses its bootstrap interval, which is not additive.
 */
export function splitPartnerLists(lines: readonly CreditLine[], ids: ReadonlySet<string>): CreditLine[] {
  if (!lines.some((l) => partnersOf(l.key, ids).length > 1)) return [...lines];
  const out = new Map<string, CreditLine>();
  const shared = new Set<string>();
  for (const l of lines) {
    const members = partnersOf(l.key, ids);
    const n = members.length;
    for (const m of members) {
      if (n > 1) shared.add(m);
      const cur = out.get(m);
      if (!cur) {
        out.set(m, {
          key: m,
          pipeline: l.pipeline / n,
          revenue: l.revenue / n,
          opportunities: l.opportunities / n,
          won: l.won / n,
          touches: l.touches,
          ...(n === 1 && l.pipeline_ci ? { pipeline_ci: l.pipeline_ci } : {}),
          ...(n === 1 && l.revenue_ci ? { revenue_ci: l.revenue_ci } : {}),
        });
        continue;
      }
      cur.pipeline += l.pipeline / n;
      cur.revenue += l.revenue / n;
      cur.opportunities += l.opportunities / n;
      cur.won += l.won / n;
      cur.touches += l.touches;
      if (n === 1 && l.pipeline_ci) cur.pipeline_ci = l.pipeline_ci;
      if (n === 1 && l.revenue_ci) cur.revenue_ci = l.revenue_ci;
    }
  }
  for (const m of shared) {
    const line = out.get(m) as CreditLine;
    delete line.pipeline_ci;
    delete line.revenue_ci;
  }
  return [...out.values()].sort((a, b) => b.pipeline - a.pipeline || a.key.localeCompare(b.key));
}

/** Sourced deals by partner, a deal registered by a list of partners split equally among them. */
export function splitSourcedByPartner(
  by: Record<string, { opportunities: number; pipeline: number; revenue: number }>,
  ids: ReadonlySet<string>,
): Record<string, { opportunities: number; pipeline: number; revenue: number }> {
  if (!Object.keys(by).some((k) => partnersOf(k, ids).length > 1)) return by;
  const out: Record<string, { opportunities: number; pipeline: number; revenue: number }> = {};
  for (const [key, v] of Object.entries(by)) {
    const members = partnersOf(key, ids);
    for (const m of members) {
      const cur = (out[m] ??= { opportunities: 0, pipeline: 0, revenue: 0 });
      cur.opportunities += v.opportunities / members.length;
      cur.pipeline += v.pipeline / members.length;
      cur.revenue += v.revenue / members.length;
    }
  }
  return out;
}
