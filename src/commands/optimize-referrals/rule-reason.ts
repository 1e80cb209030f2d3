import { FRAUD_RULES, type EvidenceValue, type FiredRule } from '../../analyses/fraud/index.ts';
import { moneyText } from '../../report/index.ts';

const MAX_ITEMS = 3;

/** Evidence keys that hold an amount of money, shown in the reporting currency with its decimals. */
const MONEY = new Set(['refundAmount']);

/** What a money key without an amount means: a refund without refund_amount gave back the whole order. */
const MONEY_WHEN_NULL: Record<string, string> = { refundAmount: 'whole order' };

function show(v: EvidenceValue): string {
  if (v === null) return 'none';
  if (Array.isArray(v)) {
    const items = (v as readonly (string | number)[]).slice(0, MAX_ITEMS).map(String);
    return `${items.join('; ')}${v.length > MAX_ITEMS ? ` (+${v.length - MAX_ITEMS})` : ''}`;
  }
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return String(v);
}

function moneyOrShow(k: string, v: EvidenceValue, currency: string): string {
  if (!MONEY.has(k)) return show(v);
  if (typeof v === 'number') return moneyText(v, currency);
  return v === null ? (MONEY_WHEN_NULL[k] ?? 'none') : show(v);
}

/** Evidence keys that say what matched; timestamps and bookkeeping stay in the JSON evidence. */
const SKIP = new Set(['rewardPaidAt', 'refundedAt', 'measure', 'method', 'programRate', 'pValue', 'ring']);

/**
 * A fired rule as one line a reviewer reads: its title, then what matched, e.g.
 * `Same device or cookie: deviceIds=dev-9f2; cookies=none`. Amounts of money read in `currency`
 * with its minor units (`refundAmount=USD 55.00`, `JPY 1,235`, `KWD 38.688`: `moneyText`); a
 * refund without an amount is the whole order
 * (`refundAmount=whole order`, as the net amounts count it; it read `none`).
 *
 * @example ruleReason({ rule: 'coupon-leakage', weight: 0.5, evidence: { site: 'retailmenot.com' } }, 'USD')
 */
export function ruleReason(f: FiredRule, currency: string): string {
  const parts = Object.entries(f.evidence)
    .filter(([k, v]) => !SKIP.has(k) && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k}=${moneyOrShow(k, v, currency)}`);
  return `${FRAUD_RULES[f.rule].title}${parts.length ? `: ${parts.join(', ')}` : ''}`;
}
