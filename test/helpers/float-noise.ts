/**
 * Binary float noise in a written file, found apart from gtm's own number writer: a decimal
 * written with 16 or more significant digits that lies within 4 units in the last place of a
 * double of a decimal of at most 12 significant digits, as 20160.000000000004 (20160, 1 unit
 * away) or 1274431.0253999997 (1274431.0254) do. A value whose many digits mean something (5/6
 * as 0.8333333333333333, a computed share) is not flagged: no short decimal lies that close.
 */
const DECIMAL = /(?<![\w.])-?\d+\.\d+(?![\d.e])/gi;

const significantDigits = (token: string): number =>
  token.replace('-', '').replace('.', '').replace(/^0+/, '').length;

/** The noisy numbers of `text`, in order (empty when it reads clean). */
export function floatNoise(text: string): string[] {
  const found: string[] = [];
  for (const [token] of text.matchAll(DECIMAL)) {
    if (significantDigits(token) < 16) continue;
    const x = Number(token);
    const short = Number(x.toPrecision(12));
    const ulp = 2 ** (Math.floor(Math.log2(Math.abs(x))) - 52);
    if (short !== x && Math.abs(short - x) <= 4 * ulp) found.push(token);
  }
  return found;
}
