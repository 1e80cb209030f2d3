export { didYouMean, editDistance } from './edit-distance.ts';
