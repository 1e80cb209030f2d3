/**
 * One declaration per flag gives the parser, the validation of every value, the help text, the
 * usage line, the typed inputs of the command's run function and the JSON Schema of its inputs.
 */
export type FlagType = 'string' | 'number' | 'integer' | 'boolean' | 'list' | 'date';

export interface FlagSpec {
  /** Canonical name in snake_case; `--name` and `--kebab-name` are both accepted. */
  name: string;
  type: FlagType;
  description: string;
  placeholder?: string;
  /** Allowed values (of each item, for lists). Matched case-sensitively after trimming. */
  choices?: readonly string[];
  default?: string | number | boolean | readonly string[];
  required?: boolean;
  /** Inclusive bounds of a number or integer. */
  min?: number;
  max?: number;
  /**
   * The JSON Schema `pattern` of a string flag's values (MCP tools' input schemas), for a flag
   * whose values are not a list of choices (a window: `^(?:…d|quarter)$`). Not checked by the
   * parser: `check` or the command's resolve refuses a bad value with its own line.
   */
  pattern?: string;
  /** A further check of a value of the right type: returns what is wrong, or undefined. */
  check?: (value: never) => string | undefined;
  /** A valid value, shown in hints (default: the first choice, or the placeholder). */
  example?: string;
  /** Flags that cannot be given together with this one. */
  conflicts?: readonly string[];
  /** Listed in help but not in the usage line (e.g. global flags). */
  hidden?: boolean;
  /** Other names accepted for the flag, in snake_case (`dimensions` for `dimension`), same checks. */
  aliases?: readonly string[];
}

/** Flags keyed by canonical name; the key is the flag's `name`. */
export type FlagDecls = Record<string, Omit<FlagSpec, 'name'>>;

type ChoiceOf<S> = S extends { choices: readonly (infer C)[] } ? C : string;
type ValueOf<S> = S extends { type: 'boolean' }
  ? boolean
  : S extends { type: 'number' | 'integer' }
    ? number
    : S extends { type: 'list' }
      ? ChoiceOf<S>[]
      : ChoiceOf<S>;
type Given<S> = S extends { required: true } ? true : S extends { default: unknown } ? true : false;

/** The typed values of a command's flags after parsing: defaulted and required flags are present. */
export type FlagValuesOf<D extends FlagDecls> = {
  [K in keyof D as Given<D[K]> extends true ? K : never]: ValueOf<D[K]>;
} & {
  [K in keyof D as Given<D[K]> extends true ? never : K]?: ValueOf<D[K]>;
};

/** What a library caller passes: required flags, anything else optional (defaults fill in). */
export type FlagArgsOf<D extends FlagDecls> = {
  [K in keyof D as D[K] extends { required: true } ? K : never]: ValueOf<D[K]>;
} & {
  [K in keyof D as D[K] extends { required: true } ? never : K]?: ValueOf<D[K]>;
};

/** Keeps the literal types of a declaration (choices, required, default) for `FlagValuesOf`. */
export function defineFlags<const D extends FlagDecls>(decls: D): D {
  return decls;
}

/** The declarations as a list of specs, in declaration order. */
export function flagSpecs(decls: FlagDecls): FlagSpec[] {
  return Object.entries(decls).map(([name, d]) => ({ ...d, name }));
}

export const kebab = (name: string): string => name.replace(/_/g, '-');
export const canonicalFlag = (name: string): string => name.replace(/-/g, '_').toLowerCase();

/** The specs by every name they answer to: canonical name and aliases. */
export function specsByName<S extends FlagSpec>(specs: readonly S[]): Map<string, S> {
  const byName = new Map<string, S>();
  for (const s of specs) for (const n of [s.name, ...(s.aliases ?? [])]) byName.set(n, s);
  return byName;
}

/** What a value of the flag looks like, for hints and usage lines. */
export function flagExample(spec: FlagSpec): string {
  if (spec.example) return spec.example;
  if (spec.choices?.length)
    return spec.type === 'list' ? spec.choices.slice(0, 2).join(',') : spec.choices[0];
  if (spec.type === 'date') return '2026-12-31';
  if (spec.type === 'integer' || spec.type === 'number') {
    if (spec.min !== undefined && spec.max !== undefined)
      return String(
        spec.type === 'integer' ? Math.ceil((spec.min + spec.max) / 2) : (spec.min + spec.max) / 2,
      );
    return String(spec.min !== undefined ? Math.max(spec.min, 1) : (spec.max ?? 1));
  }
  return spec.placeholder ?? 'VALUE';
}
