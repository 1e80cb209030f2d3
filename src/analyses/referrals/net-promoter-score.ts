import { ReferralInputError } from './referral-input-error.ts';

export interface NetPromoterScore {
  /** % promoters − % detractors, in percentage points (−100..100); null without responses. */
  readonly nps: number | null;
  readonly promoters: number;
  readonly passives: number;
  readonly detractors: number;
  readonly responses: number;
}

/**
 * Net Promoter Score from the count of answers per score 0..10 (`counts[s]` = answers of s;
 * `SELECT score, count(*) … GROUP BY score`): promoters 9–10, passives 7–8, detractors 0–6,
 * NPS = 100 × (promoters − detractors) / responses.
 *
 * @example netPromoterScore([0, 0, 0, 0, 0, 0, 20, 10, 20, 30, 20]).nps; // 100 × (50 − 20)/100 = 30
 */
export function netPromoterScore(counts: ArrayLike<number>): NetPromoterScore {
  if (counts.length !== 11)
    throw new ReferralInputError(`NPS needs 11 counts (scores 0..10), got ${counts.length}`, {
      field: 'counts',
    });
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (let s = 0; s <= 10; s++) {
    const c = counts[s];
    if (!Number.isFinite(c) || c < 0)
      throw new ReferralInputError(`count of score ${s} must be a finite count ≥ 0`, {
        field: 'counts',
        index: s,
      });
    if (s >= 9) promoters += c;
    else if (s >= 7) passives += c;
    else detractors += c;
  }
  const responses = promoters + passives + detractors;
  return {
    nps: responses > 0 ? (100 * (promoters - detractors)) / responses : null,
    promoters,
    passives,
    detractors,
    responses,
  };
}
