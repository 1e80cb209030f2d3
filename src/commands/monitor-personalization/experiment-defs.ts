import type { Method } from '../../analyses/experiments/index.ts';
import { defaultControl } from '../../analyses/experiments/default-control.ts';
import { num, str } from './run-scope.ts';

/**
 * An experiment of the initiative, from the shared `experiments` entity (one row per variant).
 * Its exposures are the decisions of the rule named in `subject` inside its window, for the
 * variants it lists: the decision log is the exposure log.
 */
export interface ExperimentDef {
  id: string;
  name: string;
  rule: string | null;
  initiative: string | null;
  /** Control first. */
  variants: { name: string; weight: number }[];
  control: string;
  /** ISO instants; end null when open-ended. */
  start: string | null;
  end: string | null;
  primary: string[];
  guardrails: string[];
  method: Method | null;
  status: string | null;
}

const list = (v: unknown): string[] =>
  String(v ?? '')
    .split(/[,;|]/)
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * Groups the entity's rows (one per variant, in sort order) into experiments, control first: the
 * variant flagged `is_control`, else the one named like the first of `holdouts` present
 * (`defaultControl`: the configured priority, any case, trimmed), else the first variant.
 */
export function experimentDefs(
  rows: readonly Record<string, unknown>[],
  holdouts: readonly string[],
): ExperimentDef[] {
  const byId = new Map<string, Record<string, unknown>[]>();
  for (const r of rows) {
    const id = String(r.experiment_id);
    byId.set(id, [...(byId.get(id) ?? []), r]);
  }
  return [...byId.entries()].map(([id, rs]) => {
    // a boolean on DuckDB, 0/1 on ClickHouse
    const flagged = rs.find((r) => r.is_control === true || r.is_control === 1);
    // else the shared rule: the first of `holdout_variants` a variant is named (any case, trimmed),
    // by the list's priority, else the first variant in sort order (the query's ORDER BY)
    const control = flagged
      ? String(flagged.variant)
      : defaultControl(
          rs.map((r) => String(r.variant)),
          holdouts,
        ).variant;
    const variants = rs
      .map((r) => ({
        name: String(r.variant),
        weight: r.weight === null || r.weight === undefined ? 1 : num(r.weight),
      }))
      .sort((a, b) => Number(b.name === control) - Number(a.name === control));
    const pick = (k: string) => str(rs.find((r) => r[k] !== null && r[k] !== undefined)?.[k]);
    return {
      id,
      name: pick('name') ?? id,
      rule: pick('subject'),
      initiative: pick('initiative'),
      variants,
      control,
      start: pick('start_at'),
      end: pick('end_at'),
      primary: list(pick('primary_metric')),
      guardrails: list(pick('guardrail_metrics')),
      method: (pick('method') as Method | null) ?? null,
      status: pick('status'),
    };
  });
}

/** The experiments of an initiative: named for it, or testing one of its rules. */
export function experimentsOf(
  defs: readonly ExperimentDef[],
  initiatives: readonly string[] | null,
  rules: readonly string[],
): ExperimentDef[] {
  if (!initiatives) return [...defs];
  const keys = initiatives.map((i) => i.trim().toLowerCase());
  return defs.filter(
    (d) =>
      (d.initiative !== null && keys.includes(d.initiative.trim().toLowerCase())) ||
      (d.rule !== null && rules.includes(d.rule)),
  );
}
