import { GtmError } from '../../errors/index.ts';

/** The form of `--weights`, shown in its errors. */
export const WEIGHTS_EXAMPLE = '--weights control:50,treatment:50';

/**
 * What is wrong with a `--weights` list (`variant:weight`, repeat or comma-separate), or
 * undefined: each weight a positive finite number, each variant once. Any scale (50,50 or 0.5,0.5);
 * the weights are normalised.
 *
 * @example weightListProblem(['control:50', 'treatment']); // 'weight "treatment": needs variant:weight'
 */
export function weightListProblem(specs: readonly string[]): string | undefined {
  const names: string[] = [];
  for (const spec of specs) {
    const at = spec.lastIndexOf(':');
    const name = at < 0 ? '' : spec.slice(0, at).trim();
    const text = at < 0 ? '' : spec.slice(at + 1).trim();
    if (!name || !text) return `weight "${spec}": needs variant:weight`;
    const weight = Number(text);
    if (!Number.isFinite(weight) || weight <= 0)
      return `weight "${spec}": "${text}" is not a positive number`;
    if (names.includes(name)) return `variant "${name}" is given twice`;
    names.push(name);
  }
  return undefined;
}

/**
 * Parses `variant:weight` specs into planned weights by variant; errors name the flag and its form.
 *
 * @example parseWeightSpecs(['control:50', 'treatment:50']); // { control: 50, treatment: 50 }
 */
export function parseWeightSpecs(specs: readonly string[]): Record<string, number> {
  const problem = weightListProblem(specs);
  if (problem) throw new GtmError('USAGE', problem, { where: '--weights', hint: `e.g. ${WEIGHTS_EXAMPLE}` });
  return Object.fromEntries(
    specs.map((spec) => {
      const at = spec.lastIndexOf(':');
      return [spec.slice(0, at).trim(), Number(spec.slice(at + 1).trim())];
    }),
  );
}
