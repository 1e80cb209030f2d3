import { literal } from '../sql-text.ts';

export interface ChannelRuleSpec {
  channel: string;
  when: {
    source?: string[];
    source_regex?: string;
    medium?: string[];
    medium_regex?: string;
    campaign_regex?: string;
    touch_type?: string[];
  };
}

const inList = (expr: string, values: string[]) => {
  const hasEmpty = values.some((v) => v === '');
  const rest = values.filter((v) => v !== '').map((v) => literal(v.toLowerCase()));
  const parts: string[] = [];
  if (rest.length) parts.push(`${expr} IN (${rest.join(', ')})`);
  if (hasEmpty) parts.push(`${expr} IS NULL`);
  return parts.length > 1 ? `(${parts.join(' OR ')})` : parts[0];
};

/**
 * Compiles channel grouping rules (first match wins) into one SQL CASE over already normalized
 * columns. Each rule's conditions are ANDed. Missing source/medium match the empty string `''`.
 * @example channelSql([{ channel: 'email', when: { medium: ['email'] } }], { source: 's', medium: 'm', campaign: 'c', touchType: 't' }, 'unassigned')
 */
export function channelSql(
  rules: ChannelRuleSpec[],
  cols: { source: string; medium: string; campaign: string; touchType: string },
  fallback: string,
): string {
  const whens = rules.map((r) => {
    const conds: string[] = [];
    const w = r.when;
    if (w.source) conds.push(inList(cols.source, w.source));
    if (w.source_regex)
      conds.push(`regexp_full_match(coalesce(${cols.source}, ''), ${literal(w.source_regex)})`);
    if (w.medium) conds.push(inList(cols.medium, w.medium));
    if (w.medium_regex)
      conds.push(`regexp_full_match(coalesce(${cols.medium}, ''), ${literal(w.medium_regex)})`);
    if (w.campaign_regex)
      conds.push(`regexp_full_match(coalesce(${cols.campaign}, ''), ${literal(w.campaign_regex)})`);
    if (w.touch_type) conds.push(inList(cols.touchType, w.touch_type));
    return `WHEN ${conds.length ? conds.join(' AND ') : 'TRUE'} THEN ${literal(r.channel)}`;
  });
  // no rule at all (`channels: { replace_defaults: true }` without rules): every touch the default
  return whens.length ? `(CASE ${whens.join(' ')} ELSE ${literal(fallback)} END)` : literal(fallback);
}
