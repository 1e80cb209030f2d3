/**
 * The role an owner acts in, for the terminal views: the role itself, or, when the run fell back
 * to another role because nobody in the requested one was available, the role of the person named
 * and whom they cover for. "Priya Raman (co_marketing_analytics_lead, covering for partner_manager)"
 * rather than "Priya Raman (partner_manager) via fallback", which named the role she is not in and
 * left "fallback" unexplained (the reason is in summary.md and result.json).
 *
 * @example ownerRole({ role: 'content_lead', fallback_used: null }) // 'content_lead'
 */
export function ownerRole(owner: {
  role: string;
  fallback_used: { from: string; to: string; reason?: string } | null;
}): string {
  const f = owner.fallback_used;
  return f ? `${f.to}, covering for ${f.from}` : owner.role;
}
