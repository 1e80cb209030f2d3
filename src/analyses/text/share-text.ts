/**
 * A share of rows as a percentage with two decimals ("1.25%"), for the messages about rejected rows
 * (`gtm doctor`'s, the reject limit's that stops a run, define-events' defect rate), but a share
 * that is not zero never prints as "0.00%" (nor one short of all as "100.00%"): below 0.01% it keeps
 * three significant digits, as the dashboards' small numbers do ("0.00434%" for 1 row in 23,053).
 *
 * @example
 * shareText(1 / 23053); // '0.00434%'
 */
export function shareText(x: number): string {
  const p = x * 100;
  if (p > 0 && p < 0.01) return `${Number(p.toPrecision(3))}%`;
  if (p < 100 && p > 99.99) return '>99.99%';
  return `${p.toFixed(2)}%`;
}
