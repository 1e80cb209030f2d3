/**
 * The rung of the escalation ladder for the k-th consecutive breach of an alert: none for the first
 * breach (the owner handles it), `ladder[0]` for the second, `ladder[1]` for the third, and the top
 * rung from then on — a breach that keeps recurring stays with the most senior role rather than
 * falling off the ladder.
 *
 * @example
 * ladderStep(['analyst-lead', 'vp-marketing'], 2); // → { level: 1, role: 'analyst-lead' }
 * ladderStep(['analyst-lead', 'vp-marketing'], 5); // → { level: 2, role: 'vp-marketing' }
 * ladderStep(['analyst-lead'], 1); // → null
 */
export function ladderStep(
  ladder: string[],
  consecutiveBreaches: number,
): { level: number; role: string } | null {
  if (consecutiveBreaches < 2 || ladder.length === 0) return null;
  const index = Math.min(consecutiveBreaches - 2, ladder.length - 1);
  return { level: index + 1, role: ladder[index] };
}
