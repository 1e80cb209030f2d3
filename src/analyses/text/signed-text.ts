/** The minus sign of signed quantities in text (U+2212, as KPI deltas and plan diffs print it). */
export const MINUS = '−';

/**
 * A signed quantity as people read it: the magnitude as `magnitude` formats it, after "+" when the
 * value is positive and "−" (U+2212) when negative, and no sign when it prints as zero ("0.0%", not
 * "+0.0%" or "−0.0%"). Every lift, difference and change in the reports' texts goes through it, so
 * a positive lift never reads "4.2%" beside a "−3.1%".
 *
 * @example
 * signedText(0.042, (a) => `${(a * 100).toFixed(1)}%`);  // '+4.2%'
 * signedText(-0.031, (a) => `${(a * 100).toFixed(1)}%`); // '−3.1%'
 * signedText(-0.0001, (a) => `${(a * 100).toFixed(1)}%`); // '0.0%'
 */
export function signedText(x: number, magnitude: (abs: number) => string): string {
  const text = magnitude(Math.abs(x));
  // a magnitude without a non-zero digit is zero as printed: unsigned
  if (x === 0 || Number.isNaN(x) || !/[1-9∞]/.test(text)) return text;
  return `${x > 0 ? '+' : MINUS}${text}`;
}

const PERCENT = new Map<number, Intl.NumberFormat>();

/**
 * A signed relative change as a percentage: 0.042 → '+4.2%', −0.31 → '−31.0%', 0 → '0.0%'. A
 * change, not a share: no "0.04%" or ">99.9%" edges, `digits` decimals whatever its size, grouped
 * ('+1,234.5%').
 *
 * @example
 * signedPercent(0.1234);     // '+12.3%'
 * signedPercent(-0.334, 0);  // '−33%'
 */
export function signedPercent(x: number, digits = 1): string {
  let f = PERCENT.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', {
      style: 'percent',
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    PERCENT.set(digits, f);
  }
  return signedText(x, (a) => f.format(a));
}
