/**
 * Plain types shared across layers (data counts rows, the orchestrator records them, reports show
 * them). Types only: nothing here runs, and it imports nothing.
 */
export type { RowAccounting, RejectedRow } from './row-accounting.ts';
