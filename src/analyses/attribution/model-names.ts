/** Canonical attribution model names, in the order `compare` reports them. */
export const MODEL_NAMES = [
  'first-touch',
  'last-touch',
  'last-non-direct',
  'linear',
  'time-decay',
  'position-based',
  'w-shaped',
  'full-path',
  'j-shaped',
  'inverse-j',
  'custom',
  'markov',
  'shapley',
  'fractribution',
] as const;

export type ModelName = (typeof MODEL_NAMES)[number];

/** Rule-based models: fixed per-touch weights, no learning from the data. */
export type RuleModelName = Exclude<ModelName, 'markov' | 'shapley' | 'fractribution'>;

/** Other spellings users type, mapped to the canonical name. */
export const MODEL_ALIASES: Readonly<Record<string, ModelName | 'compare'>> = {
  'multi-touch': 'linear',
  'u-shaped': 'position-based',
  'z-shaped': 'full-path',
  first: 'first-touch',
  last: 'last-touch',
  'inverse-j-shaped': 'inverse-j',
};

const RULE_MODELS = new Set<string>(
  MODEL_NAMES.filter((m) => !['markov', 'shapley', 'fractribution'].includes(m)),
);

export const isRuleModel = (name: ModelName): name is RuleModelName => RULE_MODELS.has(name);

/**
 * Canonical model name for what a user typed (case, spaces and underscores forgiven), or `compare`.
 * Throws a plain Error listing the valid names otherwise.
 *
 * @example
 * resolveModelName('U_shaped'); // 'position-based'
 * resolveModelName('compare'); // 'compare'
 */
export function resolveModelName(name: string): ModelName | 'compare' {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (key === 'compare') return 'compare';
  if ((MODEL_NAMES as readonly string[]).includes(key)) return key as ModelName;
  const alias = MODEL_ALIASES[key];
  if (alias) return alias;
  throw new Error(
    `unknown attribution model "${name}"; valid models: ${MODEL_NAMES.join(', ')}, compare ` +
      `(aliases: ${Object.keys(MODEL_ALIASES).join(', ')})`,
  );
}
