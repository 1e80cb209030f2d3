export { didYouMean, editDistance } from './edit-distance.ts';
export { edgePercent, percentText } from './percent-text.ts';
export { shareText } from './share-text.ts';
export { currencyMinorUnits } from './currency-minor-units.ts';
export { MONEY_WHOLE_FROM, moneyAmount, moneyShort, moneyText } from './money-text.ts';
export { MINUS, signedPercent, signedText } from './signed-text.ts';
export { noun, plural, withArticle } from './plural-text.ts';
