import { currencyMinorUnits } from './currency-minor-units.ts';

const formatters = new Map<number, Intl.NumberFormat>();

/** en-US digits, thousands separators, exactly `digits` decimals. */
function format(x: number, digits: number): string {
  let f = formatters.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(digits, f);
  }
  return f.format(x);
}

/**
 * An amount of money in a report's sentences: en-US digits with `currency`'s minor units
 * (`currencyMinorUnits`, the decimals `formatValue`'s currency format shows), no symbol or code;
 * `moneyText` puts the code in front. `wholeFrom`: from that magnitude up, whole units (the
 * dashboards' summaries and the terminal views: 'USD 3,094', where the cents add nothing, but
 * 'USD 5.30' below it). `—` for a non-finite amount; an amount that rounds to zero is unsigned
 * ('0.00', not '-0.00'). Pure (Intl only), so analyses/ prints money with it as report/ does.
 *
 * @example
 * moneyAmount(1234.5678, 'USD');      // '1,234.57'
 * moneyAmount(1234.5678, 'JPY');      // '1,235'
 * moneyAmount(38.68809, 'KWD');       // '38.688'
 * moneyAmount(3094.4, 'USD', { wholeFrom: 1000 }); // '3,094'
 */
export function moneyAmount(x: number, currency: string, { wholeFrom = Infinity } = {}): string {
  if (!Number.isFinite(x)) return '—';
  const minor = currencyMinorUnits(currency);
  let s = format(x, Math.abs(x) < wholeFrom ? minor : 0);
  // an amount just under `wholeFrom` that rounds up to it is whole too (999.996: '1,000', not '1,000.00')
  if (Math.abs(Number(s.replace(/,/g, ''))) >= wholeFrom) s = format(x, 0);
  // Intl prints an amount that rounds to zero from below as "-0.00": show it unsigned
  return /^-[^1-9]*$/.test(s) ? s.slice(1) : s;
}

/**
 * `moneyAmount` after the currency code as written: 'USD 1,234.57', 'JPY 1,235', 'KWD 38.688'.
 *
 * @example
 * moneyText(55, 'EUR'); // 'EUR 55.00'
 */
export const moneyText = (x: number, currency: string, options: { wholeFrom?: number } = {}): string =>
  `${currency} ${moneyAmount(x, currency, options)}`;

/**
 * Where the terminal views and the report sentences switch to whole units: amounts of 1,000 and
 * more print whole ('USD 20,709'), smaller ones with the currency's decimals ('USD 8.44', 'JPY 530',
 * 'KWD 5.300'), the dashboards' convention.
 */
export const MONEY_WHOLE_FROM = 1000;

/**
 * `moneyAmount` with whole units from `MONEY_WHOLE_FROM` up: 5.3 USD → '5.30', 20,709.4 → '20,709'.
 *
 * @example
 * moneyShort(8.444, 'USD'); // '8.44'
 */
export const moneyShort = (x: number, currency: string): string =>
  moneyAmount(x, currency, { wholeFrom: MONEY_WHOLE_FROM });
