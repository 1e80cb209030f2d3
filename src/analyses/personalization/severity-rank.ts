import { SEVERITIES, type Severity } from './types.ts';

/** 0 for critical … 3 for low: sort ascending for most severe first. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The more severe of the two. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}
