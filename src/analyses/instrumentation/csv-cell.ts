/**
 * The one rule for text written into a CSV cell, used by every CSV gtm writes (report tables,
 * rejects, tracking plans, Amplitude exports): spreadsheet-formula neutralisation (OWASP "CSV
 * injection"). A pure module so that data/, report/ and the plan formats can all share it.
 */

/** Characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number written as text ("-12.5", "3e4") is data, not a formula: it stays as it is. */
const NUMERIC_TEXT = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** What `restoreCsvText` takes off again: the apostrophe gtm put in front. */
const NEUTRALISED = /^'[=+\-@\t\r']/;

/**
 * Text as it goes into a cell: a leading apostrophe when it starts like a formula (`=`, `+`, `-`,
 * `@`, tab, carriage return) and is not a plain number, so a spreadsheet shows it as text and
 * never runs it. Text that already starts with an apostrophe gets a second one, so that
 * `restoreCsvText` gives back exactly what was written (a spreadsheet hides the first one).
 *
 * @example
 * neutralizeCsvText('=HYPERLINK("http://x")'); // '\'=HYPERLINK("http://x")'
 * neutralizeCsvText('-12.5');                  // '-12.5'
 * neutralizeCsvText("'quoted");                // "''quoted"
 */
export function neutralizeCsvText(text: string): string {
  if (text.startsWith("'")) return `'${text}`;
  return FORMULA_START.test(text) && !NUMERIC_TEXT.test(text) ? `'${text}` : text;
}

/**
 * The inverse of `neutralizeCsvText`, for readers of CSVs gtm wrote (tracking plans): one leading
 * apostrophe comes off when a formula character or another apostrophe follows it.
 *
 * @example restoreCsvText("'=1+2"); // '=1+2'
 */
export function restoreCsvText(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}
