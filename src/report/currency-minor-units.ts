/**
 * `currencyMinorUnits` lives in analyses/text (pure, next to `moneyAmount`, so analyses/ can print
 * money with it too); re-exported here for report/ and the commands.
 */
export { currencyMinorUnits } from '../analyses/text/currency-minor-units.ts';
