import { usageError } from '../../errors/index.ts';
import { flagExample, type FlagSpec } from './flag-spec.ts';

export type FlagValue = string | number | boolean | string[];

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a YYYY-MM-DD that exists (2026-02-30 does not: Date.parse would roll it to March). */
export function isRealDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s;
}

/**
 * Turns a raw command-line string into the flag's type, refusing what the declaration does not
 * allow; `shown` is the flag as the user wrote it (`--alert-threshold`).
 */
export function coerceFlag(spec: FlagSpec, raw: string, shown: string): FlagValue {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      // decimal notation only: Number() would also read 0x10, 0b1, '' and Infinity
      const v = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isFinite(v))
        throw usageError(
          `expects ${spec.type === 'integer' ? 'a whole number' : 'a number'}, got "${raw}"`,
          shown,
          `write ${shown} ${flagExample(spec)}`,
        );
      return checkFlagValue(spec, v, shown);
    }
    case 'boolean':
      if (/^(true|yes|1)$/i.test(raw)) return true;
      if (/^(false|no|0)$/i.test(raw)) return false;
      throw usageError(
        `expects true or false, got "${raw}"`,
        shown,
        `write ${shown} or --no-${shown.slice(2)}`,
      );
    case 'list':
      return checkFlagValue(
        spec,
        raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        shown,
      );
    default:
      return checkFlagValue(spec, raw, shown);
  }
}

/**
 * Checks a value already of the flag's JavaScript type (from the parser, a library call or an
 * agent's tool call) against the declaration: type, range, whole numbers, real dates, choices and
 * the flag's own check. Returns the value (trimmed strings, de-duplicated lists).
 */
export function checkFlagValue(spec: FlagSpec, value: unknown, shown: string): FlagValue {
  const fail = (what: string, hint = `e.g. ${shown} ${flagExample(spec)}`) => {
    throw usageError(what, shown, hint);
  };
  let out: FlagValue;
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') fail(`expects true or false, got ${JSON.stringify(value)}`);
      out = value as boolean;
      break;
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value))
        fail(`expects a finite number, got ${JSON.stringify(value)}`);
      const n = value as number;
      if (spec.type === 'integer' && !Number.isInteger(n)) fail(`expects a whole number, got ${n}`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max))
        fail(`must be ${rangeText(spec)}, got ${n}`);
      out = n;
      break;
    }
    case 'list': {
      const items = Array.isArray(value)
        ? value
        : typeof value === 'string'
          ? value.split(',')
          : fail(`expects a comma-separated list, got ${JSON.stringify(value)}`);
      const list = (items as unknown[]).map((x) => String(x).trim()).filter(Boolean);
      if (list.length === 0) fail('needs at least one value, got an empty list');
      if (spec.choices) {
        const bad = list.find((v) => !spec.choices!.includes(v));
        if (bad !== undefined) fail(`has unknown value "${bad}"; allowed: ${spec.choices.join(', ')}`);
      }
      out = [...new Set(list)];
      break;
    }
    default: {
      if (typeof value !== 'string') fail(`expects text, got ${JSON.stringify(value)}`);
      const s = (value as string).trim();
      if (s === '') fail('needs a value, got an empty string');
      if (spec.type === 'date' && !isRealDate(s))
        fail(
          DATE.test(s) ? `is not a real date: "${s}"` : `must be a date YYYY-MM-DD, got "${s}"`,
          `e.g. ${shown} ${flagExample(spec)}`,
        );
      if (spec.choices && !spec.choices.includes(s))
        fail(`must be one of ${spec.choices.join(', ')}; got "${s}"`);
      out = s;
    }
  }
  const problem = spec.check?.(out as never);
  if (problem) fail(problem);
  return out;
}

function rangeText(spec: FlagSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return `between ${spec.min} and ${spec.max}`;
  if (spec.min !== undefined) return `at least ${spec.min}`;
  return `at most ${spec.max}`;
}
