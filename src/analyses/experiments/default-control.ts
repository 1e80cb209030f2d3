/**
 * The names a control arm goes by, in order of preference, matched case-insensitively after
 * trimming: experiment-readout's and optimize-referrals' list. `baseline` and `original` are what
 * testing tools call the unchanged experience (Optimizely, VWO, Google Optimize). monitor-loyalty
 * and monitor-personalization pass their `holdout_variants` instead (default `holdout`, `control`).
 */
export const CONTROL_NAMES = ['control', 'holdout', 'baseline', 'original'] as const;

/** Which variant a readout took as its control, and why. */
export interface ControlChoice {
  variant: string;
  /** `flag`: named by `--control` or `is_control`; `name`: a variant named like a control; `order`: the first in sort order. */
  chosen_by: 'flag' | 'name' | 'order';
  /** The same in words, e.g. `named "control"`. */
  reason: string;
}

const words = (names: readonly string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;

/**
 * The one rule for the control (holdout) arm when no variant is flagged: the variant named like
 * the first of `names` (case-insensitive, both sides trimmed; the first in order when two variants
 * match one name), else like the second, and so on: the list's priority, not the variants' order.
 * Else the first of `variants` (give them in sort order). `names` defaults to `CONTROL_NAMES`;
 * monitor-loyalty and monitor-personalization pass their configured `holdout_variants`.
 *
 * @example defaultControl(['a_new', 'Control']); // { variant: 'Control', chosen_by: 'name', reason: 'named "control"' }
 * @example defaultControl(['control', 'holdout'], ['holdout', 'control']).variant; // 'holdout'
 */
export function defaultControl(
  variants: readonly string[],
  names: readonly string[] = CONTROL_NAMES,
): ControlChoice {
  const keys = variants.map((v) => v.trim().toLowerCase());
  for (const name of names) {
    const i = keys.indexOf(name.trim().toLowerCase());
    if (i >= 0) return { variant: variants[i], chosen_by: 'name', reason: `named "${name.trim()}"` };
  }
  return {
    variant: variants[0],
    chosen_by: 'order',
    reason: names.length
      ? `first in sort order (no variant is named ${words(names.map((n) => n.trim()))})`
      : 'first in sort order',
  };
}
