/**
 * The stable id of an issue: its kind and its subject, never its numbers, so the same problem in
 * the next run gets the same id. Keys are sorted and values percent-encoded, so the id is
 * unambiguous whatever the rule or experiment is called, and stays readable for plain names.
 *
 * @example
 * issueId('consent-violation', { rule: 'hero banner', purpose: 'personalization' });
 * // 'consent-violation:purpose=personalization,rule=hero%20banner'
 */
export function issueId(kind: string, subject: Readonly<Record<string, string>>): string {
  const parts = Object.keys(subject)
    .sort()
    .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(subject[k].trim())}`);
  return `${kind}:${parts.join(',')}`;
}
