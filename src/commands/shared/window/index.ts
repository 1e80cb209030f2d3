/** Window and as-of parsing shared by every command (7d, 14d, 30d, 90d, Nd, quarter, campaign). */
export { asOfInstant, asOfDay } from './as-of.ts';
export {
  MAX_WINDOW_DAYS,
  previousWindow,
  resolveWindow,
  windowPattern,
  type ResolvedWindow,
  type WindowOptions,
} from './resolve-window.ts';
