import { didYouMean } from '../../analyses/text/index.ts';
import { inputError } from '../../errors/index.ts';
import { delimiterHint } from '../file-relation.ts';
import type { EntitySpec } from './entity-spec.ts';

/**
 * When the first column of the header starts with `#` and a space or a dash, the first line read as
 * the header is a comment: Google Analytics' CSV exports begin with a block of `# ----`, `# Account:
 * …` lines above the real header. The hint to delete them; '' otherwise (a column named `#` alone, a
 * row number, is a real header).
 */
export function commentLinesHint(columns: readonly string[]): string {
  const first = columns[0] ?? '';
  if (!/^#[\s-]/.test(first)) return '';
  const shown = first.length > 24 ? `${first.slice(0, 24)}…` : first;
  return `the header was read from a comment line (${JSON.stringify(shown)}): delete the lines starting with # above the header row (Google Analytics exports begin with such lines)`;
}

/**
 * Canonical column → the source's column, checked against the columns the source really has:
 * mapped columns must exist, required columns must be mapped or present by name. `where` names the
 * file or the source in errors; `key` is the config key path of the source (`sources.<name>`). A
 * header read as one column holding `;`, a tab or `|` gets the hint to set the source's delimiter,
 * one read from a `#` comment line the hint to delete the comment lines.
 */
export function resolveMapping(
  spec: EntitySpec,
  mapping: Readonly<Record<string, string>>,
  present: readonly string[],
  where: string,
  key: string,
): Record<string, string | undefined> {
  // a name is matched ignoring letter case and the spaces around it: an export's header cell
  // " Order Id " is the column the mapping calls "order id" (the column keeps its own name)
  const byName = new Map<string, string[]>();
  const nameKey = (name: string) => name.trim().toLowerCase();
  for (const c of present) byName.set(nameKey(c), [...(byName.get(nameKey(c)) ?? []), c]);
  const found = present.join(', ');
  const headerHint =
    delimiterHint(present, (setting) => `set ${setting} on ${key} in gtm.yaml`) || commentLinesHint(present);
  const pick = (name: string, mappedFrom?: string): string | undefined => {
    const hits = byName.get(nameKey(name));
    if (hits && hits.length > 1)
      throw inputError(
        `the source has ${hits.length} columns named "${name}" (${hits.map((h) => JSON.stringify(h)).join(', ')})${mappedFrom ? ` for ${mappedFrom}` : ''}; gtm cannot tell which one is meant`,
        where,
        'rename the duplicate columns in the source, or read it through a query that names one',
      );
    return hits?.[0];
  };
  const out: Record<string, string | undefined> = {};
  for (const [canon, column] of Object.entries(mapping)) {
    if (!spec.columns.includes(canon))
      throw inputError(
        `${key}.mapping has unknown canonical column "${canon}"`,
        where,
        `canonical columns of ${spec.name}: ${spec.columns.join(', ')}`,
      );
    const actual = pick(column, canon);
    if (!actual) {
      // a typo of a column the source has (CreatedDat for CreatedDate) gets that column
      const near = didYouMean(column, present);
      throw inputError(
        `column "${column}" (mapped to ${canon}) is not in the source; columns found: ${found}`,
        where,
        headerHint || `${near ? `did you mean "${near}"? ` : ''}fix ${key}.mapping.${canon} in gtm.yaml`,
      );
    }
    out[canon] = actual;
  }
  for (const canon of spec.columns) if (out[canon] === undefined) out[canon] = pick(canon);
  for (const req of spec.required)
    if (!out[req])
      throw inputError(
        `missing column for "${req}"; columns found: ${found}`,
        where,
        headerHint || `add the column, or map it: ${key}.mapping.${req}: <column>`,
      );
  for (const group of spec.oneOf)
    if (!group.some((c) => out[c]))
      throw inputError(
        `needs one of the columns ${group.join(' or ')}; columns found: ${found}`,
        where,
        headerHint || `map one under ${key}.mapping`,
      );
  return out;
}
