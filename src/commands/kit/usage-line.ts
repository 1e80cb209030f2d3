import { kebab, type FlagSpec } from './flag-spec.ts';

/** How a flag's value is written in a usage line: choices, else the placeholder. */
export function flagValueText(spec: FlagSpec): string {
  if (spec.type === 'boolean') return '';
  if (spec.choices?.length) return spec.type === 'list' ? spec.choices.join(',') : spec.choices.join('|');
  if (spec.placeholder) return spec.placeholder;
  if ((spec.type === 'number' || spec.type === 'integer') && spec.min !== undefined && spec.max !== undefined)
    return `${spec.min}..${spec.max}`;
  return { number: 'N', integer: 'N', date: 'DATE', list: 'LIST' }[spec.type as string] ?? 'VALUE';
}

/**
 * The usage line of a command, listing every flag it declares (optional ones in brackets).
 * @example usageLine('gtm track-source', specs) // 'gtm track-source --campaign NAME [--window 7d|30d|…] …'
 */
export function usageLine(prefix: string, specs: readonly FlagSpec[]): string {
  const parts = specs
    .filter((s) => !s.hidden)
    .map((s) => {
      const value = flagValueText(s);
      const text = `--${kebab(s.name)}${value ? ` ${value}` : ''}`;
      return s.required ? text : `[${text}]`;
    });
  return [prefix, ...parts].join(' ');
}

/** A shell word: left bare when it is plain, else in single quotes (POSIX). */
export function shellWord(value: string): string {
  return /^[\w.,:/@%+=-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command line that repeats a run: every declared flag the run had a value for, in declaration
 * order, then `--as-of` (the resolved values, not the defaults of the day: a threshold that came
 * from gtm.yaml is written out so that the line means the same after gtm.yaml changes).
 * @example reproduceLine('optimize-referrals', FLAGS, { window: '30d', alert_threshold: 0.5 }, '2026-12-05')
 * // 'gtm optimize-referrals --window 30d --alert-threshold 0.5 --as-of 2026-12-05'
 */
export function reproduceLine(
  command: string,
  flags: Readonly<Record<string, Omit<FlagSpec, 'name'>>>,
  values: Readonly<Record<string, string | number | boolean | readonly string[] | null | undefined>>,
  asOf: string,
): string {
  const parts = [`gtm ${command}`];
  for (const [name, spec] of Object.entries(flags)) {
    const v = values[name];
    if (v === undefined || v === null || spec.hidden) continue;
    if (Array.isArray(v)) {
      if (v.length) parts.push(`--${kebab(name)} ${shellWord(v.join(','))}`);
    } else if (typeof v === 'boolean') {
      parts.push(v ? `--${kebab(name)}` : `--no-${kebab(name)}`);
    } else parts.push(`--${kebab(name)} ${shellWord(String(v))}`);
  }
  parts.push(`--as-of ${shellWord(asOf)}`);
  return parts.join(' ');
}
