export * from './gtm-error.ts';
