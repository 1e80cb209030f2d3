export { didYouMean, editDistance } from './edit-distance.ts';
export { edgePercent, percentText } from './percent-text.ts';
export { shareText } from './share-text.ts';
