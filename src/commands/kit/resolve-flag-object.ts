import { editDistance } from '../../analyses/text/index.ts';
import { usageError } from '../../errors/index.ts';
import { checkFlagValue, type FlagValue } from './check-flag-value.ts';
import {
  canonicalFlag,
  flagExample,
  kebab,
  specsByName,
  type FlagDecls,
  type FlagSpec,
  type FlagValuesOf,
} from './flag-spec.ts';

/** The nearest declared flag to a misspelt one, as a "did you mean" clause (or ''). */
export function suggestFlag(name: string, specs: readonly FlagSpec[]): string {
  const n = canonicalFlag(name);
  let hit: FlagSpec | undefined;
  let best = Math.max(2, Math.floor(n.length / 3)) + 1;
  for (const s of specs) {
    const d = editDistance(n, s.name);
    if (d < best) [hit, best] = [s, d];
  }
  hit ??= specs.find((s) => s.name.startsWith(n) || n.startsWith(s.name) || s.name.includes(n));
  return hit ? `did you mean --${kebab(hit.name)}? ` : '';
}

/** Required flags present, defaults filled in, conflicting flags refused. */
export function completeFlags(
  values: Record<string, FlagValue | undefined>,
  specs: readonly FlagSpec[],
  given: ReadonlySet<string>,
): void {
  for (const spec of specs) {
    if (values[spec.name] === undefined && spec.default !== undefined)
      values[spec.name] = Array.isArray(spec.default) ? [...spec.default] : (spec.default as FlagValue);
    if (spec.required && values[spec.name] === undefined)
      throw usageError(
        'is required',
        `--${kebab(spec.name)}`,
        `add --${kebab(spec.name)} ${spec.placeholder ?? flagExample(spec)}`,
      );
    for (const other of spec.conflicts ?? [])
      if (given.has(spec.name) && given.has(other))
        throw usageError(
          `cannot be combined with --${kebab(other)}`,
          `--${kebab(spec.name)}`,
          `give one of --${kebab(spec.name)} and --${kebab(other)}`,
        );
  }
}

/** A flag given under its name and an alias: lists join (as repeats do on the command line). */
function bothSpellings(spec: FlagSpec, first: FlagValue | undefined, second: FlagValue): FlagValue {
  if (Array.isArray(first) && Array.isArray(second)) return [...new Set([...first, ...second])];
  if (first === second) return second;
  const names = [spec.name, ...(spec.aliases ?? [])].join(' and ');
  throw usageError(
    `given twice with different values (as ${names})`,
    `--${kebab(spec.name)}`,
    `give ${spec.name} once, with the value you mean`,
  );
}

/**
 * Validates flag values given as an object (a library call, an agent's tool call): keys in either
 * spelling, every value checked against its declaration, defaults applied.
 *
 * @example
 * resolveFlagObject(TRACK_SOURCE_FLAGS, { campaign: 'AI Launch Tour', 'alert-threshold': 0.8 })
 * // { campaign: 'AI Launch Tour', alert_threshold: 0.8, window: '30d', detail: 'summary', … }
 */
export function resolveFlagObject<D extends FlagDecls>(
  decls: D,
  input: Readonly<Record<string, unknown>>,
): FlagValuesOf<D> {
  const specs = Object.entries(decls).map(([name, d]) => ({ ...d, name }) as FlagSpec);
  const byName = specsByName(specs);
  const values: Record<string, FlagValue | undefined> = {};
  const given = new Set<string>();
  for (const [key, raw] of Object.entries(input)) {
    if (raw === undefined || raw === null) continue;
    const spec = byName.get(canonicalFlag(key));
    if (!spec)
      throw usageError(
        `unknown flag --${kebab(key)}`,
        `--${kebab(key)}`,
        `${suggestFlag(key, specs)}see --help`,
      );
    const value = checkFlagValue(spec, raw, `--${kebab(canonicalFlag(key))}`); // as given: alias or name
    values[spec.name] = given.has(spec.name) ? bothSpellings(spec, values[spec.name], value) : value;
    given.add(spec.name);
  }
  completeFlags(values, specs, given);
  return values as FlagValuesOf<D>;
}
