/** Window and as-of parsing shared by every command (7d, 14d, 30d, 90d, Nd, quarter, campaign). */
export { asOfInstant, asOfDay } from './as-of.ts';
export { resolveWindow, previousWindow, type ResolvedWindow, type WindowOptions } from './resolve-window.ts';
