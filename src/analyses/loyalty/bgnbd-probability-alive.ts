import type { BgNbdParams } from './types.ts';

/**
 * P(alive | x, tx, T): the probability that a member with this history has not dropped out,
 * FHL (2005) eq. (A10 in the technical note): 1 / (1 + δ(x>0) · a/(b+x−1) · ((α+T)/(α+tx))^(r+x)),
 * evaluated in logs (the power overflows for frequent buyers with a long silence). Members without
 * repeat purchases are alive with probability 1 under BG/NBD (dropout happens only after a
 * purchase); the model's well-known quirk, kept as published. O(1).
 *
 * @example
 * bgnbdProbabilityAlive({ r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }, 2, 30.43, 38.86); // ≈ 0.7266
 */
export function bgnbdProbabilityAlive(params: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 1;
  const { r, alpha, a, b } = params;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return logOdds > 0 ? Math.exp(-logOdds) / (1 + Math.exp(-logOdds)) : 1 / (1 + Math.exp(logOdds));
}
