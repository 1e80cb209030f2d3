import type { Status } from '../../report/index.ts';

/** A share as a percent with one decimal, or n/a. */
export const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`;

/** A relative change with its sign, or n/a. */
export const signed = (x: number | null | undefined): string =>
  x === null || x === undefined || !Number.isFinite(x)
    ? 'n/a'
    : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

/** A roster role as words. */
export const human = (role: string): string => role.replace(/_/g, ' ');

/** Backlog severity → traffic light. */
export const SEVERITY_STATUS: Record<string, Status> = {
  critical: 'alert',
  high: 'alert',
  medium: 'warn',
  low: 'ok',
};

/** Checklist status → traffic light (`not checked` stays unmarked). */
export const CHECK_STATUS: Record<string, Status | undefined> = { pass: 'ok', warn: 'warn', fail: 'alert' };
