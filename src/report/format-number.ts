import {
  edgePercent,
  moneyAmount,
  moneyShort,
  moneyText,
  percentText,
  signedPercent,
  signedText,
} from '../analyses/text/index.ts';
import { GtmError } from '../errors/index.ts';
import type { ValueFormat } from './dashboard.ts';
import { plainNumber } from '../analyses/text/plain-number.ts';

/** Shown for missing or non-finite values (null, undefined, NaN, ±Infinity). */
export const MISSING = '—';

export { moneyAmount, moneyShort, moneyText, percentText };

const LOCALE = 'en-US';
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, options);
    formatters.set(key, f);
  }
  return f;
}

function currencyFormatter(currency: string): Intl.NumberFormat {
  const code = currency.toUpperCase();
  try {
    return formatter(`currency:${code}`, { style: 'currency', currency: code });
  } catch (cause) {
    throw new GtmError('DATA', `unknown currency code "${currency}"`, {
      hint: 'use a three-letter ISO 4217 code such as USD, EUR or GBP',
      cause,
    });
  }
}

/**
 * The currency symbol the en-US locale uses for an ISO code ("USD" → "$", "EUR" → "€",
 * "CAD" → "CA$"); charts use it as their axis prefix.
 *
 * @example
 * currencySymbol('EUR'); // '€'
 */
export function currencySymbol(currency = 'USD'): string {
  const part = currencyFormatter(currency)
    .formatToParts(1)
    .find((p) => p.type === 'currency');
  return part?.value ?? currency.toUpperCase();
}

/**
 * Formats one value for display, the same way in HTML, Markdown and the terminal: fixed en-US
 * locale, currencies by ISO code, percentages from fractions, and `—` for anything missing.
 * Strings are returned unchanged whatever the format (they are labels, not numbers).
 *
 * @example
 * formatValue(1234.5, 'currency', 'EUR'); // '€1,234.50'
 * formatValue(0.1234, 'percent');         // '12.3%'
 * formatValue(1234.567);                  // '1,234.57'
 * formatValue(1234.5, 'integer');         // '1,235'
 * formatValue(Number.NaN, 'number');      // '—'
 */
export function formatValue(
  value: unknown,
  format: ValueFormat | 'text' = 'number',
  currency = 'USD',
): string {
  if (value === null || value === undefined) return MISSING;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? MISSING : value.toISOString();
  if (typeof value === 'bigint') {
    if (format === 'text') return value.toString();
    if (format === 'currency') return currencyFormatter(currency).format(value);
    return formatter('integer', { maximumFractionDigits: 0 }).format(value);
  }
  if (typeof value !== 'number') return format === 'text' ? JSON.stringify(value) : String(value);
  if (!Number.isFinite(value)) return MISSING;
  // -0 and values that round to zero must not print as "-0".
  const n = Object.is(value, -0) ? 0 : value;
  switch (format) {
    case 'text':
      return String(plainNumber(n));
    case 'integer':
      return fixZero(formatter('integer', { maximumFractionDigits: 0 }).format(n));
    case 'currency':
      return fixZero(currencyFormatter(currency).format(n));
    case 'percent':
      return edgePercent(n) ?? fixZero(onePlacePercent().format(n));
    case 'number':
      // Small magnitudes keep three significant digits so 0.00042 does not become "0".
      if (n !== 0 && Math.abs(n) < 0.01) return formatter('small', { maximumSignificantDigits: 3 }).format(n);
      return fixZero(formatter('number', { maximumFractionDigits: 2 }).format(n));
  }
}

const onePlacePercent = () =>
  formatter('percent', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** Intl prints values that round to zero from below as "-0", "-$0.00" or "-0.0%"; show them unsigned. */
const fixZero = (s: string): string => (/^-[^1-9]*$/.test(s) ? s.slice(1) : s);

/**
 * A signed relative change for KPI deltas: `+12.0%`, `−3.4%` (true minus sign), `0.0%`.
 *
 * @example
 * formatDelta(0.12); // '+12.0%'
 */
export function formatDelta(delta: number): string {
  if (!Number.isFinite(delta)) return MISSING;
  // a change, not a share: one decimal whatever its size (a change of 0.01% is 0.0%)
  return signedPercent(delta);
}

/**
 * A signed quantity (a lift, a difference, a change) formatted as `formatValue` would its
 * magnitude, after "+" when positive and "−" when negative, unsigned when it prints as zero;
 * percentages as `formatDelta` gives them (one decimal, a change not a share). Anything that is
 * not a finite number is formatted as `formatValue` does (`—` when missing).
 *
 * @example
 * formatSigned(4.2, 'currency');  // '+$4.20'
 * formatSigned(-0.031, 'percent'); // '−3.1%'
 * formatSigned(0, 'percent');      // '0.0%'
 */
export function formatSigned(
  value: unknown,
  format: ValueFormat | 'text' = 'number',
  currency = 'USD',
): string {
  if (typeof value !== 'number' || !Number.isFinite(value) || format === 'text')
    return formatValue(value, format, currency);
  if (format === 'percent') return formatDelta(value);
  return signedText(value, (a) => formatValue(a, format, currency));
}

/** Whether a column format is numeric (right-aligned, tabular figures). */
export const isNumericFormat = (format: ValueFormat | 'text' | undefined): boolean =>
  format !== undefined && format !== 'text';
