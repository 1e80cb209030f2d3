import { toToken, type Engine } from '../../data/index.ts';
import type { KitRun } from '../kit/index.ts';
import type { MonitorPersonalizationContext } from './inputs.ts';
import { dialectFor } from './sql/dialect-sql.ts';
import type { Scope } from './sql/scope-sql.ts';

/** A run of monitor-personalization, as every stage sees it. */
export type Run = KitRun<MonitorPersonalizationContext>;

const DAY = 86_400_000;

/** Outcome event names as the outcomes entity stores them (lower case, spaces and hyphens as `_`). */
export const eventToken = (name: string): string => toToken(name);

/** The query scope of a run: its window, history, initiative names and outcome event classes. */
export function scopeOf(run: Run, engine: Engine, initiatives: string[] | null): Scope {
  const { window } = run.inputs;
  const p = run.ws.personalization;
  return {
    q: dialectFor(engine),
    initiatives,
    start: window.start,
    end: window.end,
    historyStart: new Date(Date.parse(window.start) - p.anomalies.history_days * DAY).toISOString(),
    attributionDays: p.attribution_days,
    engagement: p.events.engagement.map(eventToken),
    conversion: p.events.conversion.map(eventToken),
  };
}

/** Numbers from the engine (BIGINT may come back as bigint; NULL as null). */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** A timestamp or date from the engine as text, or null. */
export const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
