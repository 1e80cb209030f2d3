/**
 * The names a control arm goes by, in order of preference, matched case-insensitively after
 * trimming. `holdout` and `control` are also the default `holdout_variants` of monitor-loyalty and
 * monitor-personalization; `baseline` and `original` are what testing tools call the unchanged
 * experience (Optimizely, VWO, Google Optimize).
 */
export const CONTROL_NAMES = ['control', 'holdout', 'baseline', 'original'] as const;

/** Which variant a readout took as its control, and why. */
export interface ControlChoice {
  variant: string;
  /** `flag`: named by `--control`; `name`: a variant named like a control; `order`: the first in sort order. */
  chosen_by: 'flag' | 'name' | 'order';
  /** The same in words, e.g. `named "control"`. */
  reason: string;
}

/**
 * The control among `variants` (in sort order) when none is given: a variant named `control`,
 * else `holdout`, `baseline`, `original` (case-insensitive, trimmed; the first in order when two
 * match one name), else the first variant.
 *
 * @example defaultControl(['a_new', 'Control']); // { variant: 'Control', chosen_by: 'name', reason: 'named "control"' }
 */
export function defaultControl(variants: readonly string[]): ControlChoice {
  for (const name of CONTROL_NAMES) {
    const found = variants.find((v) => v.trim().toLowerCase() === name);
    if (found !== undefined) return { variant: found, chosen_by: 'name', reason: `named "${name}"` };
  }
  return {
    variant: variants[0],
    chosen_by: 'order',
    reason: `first in sort order (no variant is named ${CONTROL_NAMES.slice(0, -1).join(', ')} or ${CONTROL_NAMES[CONTROL_NAMES.length - 1]})`,
  };
}
