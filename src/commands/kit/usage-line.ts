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
