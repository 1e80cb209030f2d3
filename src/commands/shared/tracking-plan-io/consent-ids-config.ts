/**
 * gtm.yaml's `events.governance.consent.ids` (consent manager id → consent category) checked
 * before payloads are validated; see analyses/instrumentation/consent-ids.ts for how it is read.
 */
import { CONSENT_IDS_KEY } from '../../../analyses/instrumentation/index.ts';
import { GtmError } from '../../../errors/index.ts';

/**
 * The map of gtm.yaml checked against the categories the run knows (`known`, compared ignoring
 * case): each id must map to one of them, and no id may be given twice (ignoring case). Returns
 * the map with each category written as `known` writes it; undefined when there is none.
 *
 * @throws GtmError CONFIG naming the key (`events.governance.consent.ids.C0004`).
 * @example checkConsentIds({ C0004: 'advertising' }, ['Analytics', 'Advertising']) // { C0004: 'Advertising' }
 */
export function checkConsentIds(
  ids: Record<string, string> | undefined,
  known: readonly string[],
): Record<string, string> | undefined {
  if (!ids || Object.keys(ids).length === 0) return undefined;
  const byLower = new Map(known.map((c) => [c.toLowerCase(), c]));
  const seen = new Map<string, string>();
  const out: Record<string, string> = {};
  for (const [id, category] of Object.entries(ids)) {
    const where = `${CONSENT_IDS_KEY}.${id}`;
    const again = seen.get(id.trim().toLowerCase());
    if (again !== undefined)
      throw new GtmError('CONFIG', `consent id "${id}" is mapped twice (also as "${again}")`, {
        where,
        hint: 'keep one entry per consent manager id',
      });
    seen.set(id.trim().toLowerCase(), id);
    const hit = typeof category === 'string' ? byLower.get(category.trim().toLowerCase()) : undefined;
    if (hit === undefined)
      throw new GtmError(
        'CONFIG',
        `maps consent id "${id}" to "${String(category)}", which is no consent category of the plan or gtm.yaml (${known.join(', ') || 'none'})`,
        {
          where,
          hint: `map each consent manager id to one of those categories, id first (e.g. ids: { C0002: Analytics, C0004: Advertising }), or remove the entry`,
        },
      );
    out[id] = hit;
  }
  return out;
}
