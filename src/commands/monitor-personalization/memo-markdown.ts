import { DEFAULT_ANALYSIS_SETTINGS } from '../../analyses/experiments/index.ts';
import { mdCode, mdEscape, mdLine } from '../../report/index.ts';
import { affectedUsersCaption, effectText, human, pct } from './dashboard-format.ts';
import type { ExperimentMemoOut } from './experiments-stage.ts';
import type { MonitorPersonalizationOutputs } from './plan.ts';
import type { MonitorPersonalizationResult } from './result.ts';

type O = MonitorPersonalizationOutputs;

/**
 * A Markdown table of cells already escaped with `mdEscape` where they hold text from the data
 * (names, ids, notes: a `|` there would end the cell); every cell is kept to one line, without
 * control characters (`mdLine`).
 */
function mdTable(headers: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(mdLine).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const num = (x: number | null | undefined, digits = 4) =>
  x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : String(Number(x.toPrecision(digits)));

/**
 * Changes to the experiment's rules strictly inside its window, from the governance scan (null: no
 * rule change log, so not checked; undefined: no governance output at all).
 */
export function changesDuring(m: ExperimentMemoOut, o: O) {
  const scan = o.governance?.scan;
  if (!scan) return undefined;
  if (!scan.experimentChanges) return null;
  const problems = new Map((scan.approvals?.changes ?? []).map((c) => [c.changeId, c.problems]));
  return scan.experimentChanges.conflicts
    .filter((c) => c.experiment === m.id)
    .map((c) => ({ ...c, problems: (problems.get(c.changeId) ?? []).map((p) => p.replace(/-/g, ' ')) }));
}

function health(m: ExperimentMemoOut, changes: ReturnType<typeof changesDuring>): string[] {
  const h = m.readout!.health;
  const changeLine =
    changes === undefined
      ? []
      : [
          `- Rule changes during the test: ${
            changes === null
              ? 'not checked (no rule change log)'
              : changes.length === 0
                ? 'none'
                : `${changes
                    .map(
                      (c) =>
                        `${mdEscape(c.changeId)} to ${mdEscape(c.rule)} on ${mdEscape(c.ts)} by ${mdEscape(c.author)}${
                          c.change || c.problems.length
                            ? ` (${mdEscape([c.change, ...c.problems].filter(Boolean).join('; '))})`
                            : ''
                        }, ${Math.floor(c.daysIntoExperiment)} days in`,
                    )
                    .join('; ')} — **a change mid-test mixes treatments**`
          }`,
        ];
  return [
    `- Sample ratio: ${h.srm ? `p = ${num(h.srm.p_value, 2)} (alert below ${h.srm.threshold})${h.srm.alert ? ' — **mismatch**' : ''}` : 'not checked'}`,
    `- Multiple exposure: ${h.multiple_exposure ? multipleExposureText(m.multiple_exposures, h.multiple_exposure) : `${m.multiple_exposures} users`}`,
    `- Sample: smallest arm ${h.smallest_arm} users (minimum ${h.min_sample_size}); ${h.days_running ?? 'n/a'} days running (minimum ${h.min_days})`,
    ...changeLine,
  ];
}

/**
 * The multiple-exposure health line: the rate against its limit, and the engine's floor of
 * `minMultipleExposures` users (GrowthBook's 10) below which a rate over the limit is not an
 * alert — said in the line, so "8 users (1.3%, limit 1.0%)" without an alert does not read as a
 * check that failed to fire.
 */
function multipleExposureText(
  users: number,
  x: { count: number; rate: number; max_rate: number; alert: boolean },
): string {
  const floor = DEFAULT_ANALYSIS_SETTINGS.minMultipleExposures;
  const base = `${users} users (${pct(x.rate)}; alert above ${pct(x.max_rate)} from ${floor} users)`;
  if (x.alert) return `${base} — **too many**`;
  return x.rate > x.max_rate && x.count < floor
    ? `${base} — over the rate, but fewer than ${floor} users: not alerted; check these users' assignment`
    : base;
}

/** A caution under the guidance when the experiment's rules changed during the test. */
function caution(changes: ReturnType<typeof changesDuring>): string[] {
  if (!changes?.length) return [];
  const rules = [...new Set(changes.map((c) => c.rule))].map(mdEscape).join(', ');
  const ids = changes.map((c) => mdEscape(c.changeId)).join(', ');
  return [
    `> **Caution:** ${rules} changed during the test (${ids}): check whether the change altered who sees which variant or what they see before acting on this guidance; if it did, restart the test or read only the exposures after the change.`,
    '',
  ];
}

/**
 * The metrics table. Effects are on the scale the readout gives each comparison (an absolute
 * difference where the relative lift is undefined), and the readout's note saying why stays on the
 * row of the metric it qualifies.
 */
function metricsTable(m: ExperimentMemoOut): string {
  const r = m.readout!;
  const rows = r.metrics.flatMap((x) =>
    x.variants.map((v) => {
      const effect = (e: number | null) => effectText(e, v.difference, x.type);
      return [
        `${mdEscape(x.name)}${x.guardrail ? ` (guardrail${x.lower_is_better ? ', lower is better' : ''}, margin ${pct(x.non_inferiority_margin)})` : ''}`,
        mdEscape(v.name),
        num(x.control.mean),
        num(v.mean),
        effect(v.effect),
        v.ci ? `${effect(v.ci[0])} to ${effect(v.ci[1])}` : 'n/a',
        r.method === 'bayesian' ? `P(better) ${pct(v.chance_to_win)}` : evidence(v, r.correction),
        v.decision,
        mdEscape(v.note ?? v.error ?? ''),
      ];
    }),
  );
  return mdTable(
    ['Metric', 'Variant', 'Control', 'Variant mean', 'Effect', 'Interval', 'Evidence', 'Verdict', 'Note'],
    rows,
  );
}

/**
 * A comparison's p-value as the interval beside it has it (the 95% interval before the correction),
 * and the corrected one after it when the correction moved it: "p 0.0797; 0.159 after the holm
 * correction". The corrected p alone beside the uncorrected interval read as that interval's p (the
 * experiments.csv row of the same comparison has the uncorrected one).
 */
function evidence(
  v: NonNullable<ExperimentMemoOut['readout']>['metrics'][number]['variants'][number],
  correction: string,
): string {
  const p = num(v.p_value, 3);
  const adjusted = v.adjusted_p_value === null ? null : num(v.adjusted_p_value, 3);
  return adjusted === null || adjusted === p
    ? `p ${p}`
    : `p ${p}; ${adjusted} after the ${correction} correction`;
}

/** The correction and its family: how many comparisons it corrected, and what it left out and why. */
function correctionText(r: NonNullable<ExperimentMemoOut['readout']>): string {
  const family = r.correction_family;
  if (!family) return `${r.correction} correction`;
  const left = family.left_out.map((x) => `${x.metric} / ${x.variant}: ${x.reason}`);
  return `${r.correction} correction over ${family.tested} tested comparison${family.tested === 1 ? '' : 's'}${left.length ? `; left out: ${mdEscape(left.join('; '))}` : ''}`;
}

function memoOf(m: ExperimentMemoOut, o: O): string {
  const head = `## ${mdEscape(m.name)} (${mdEscape(m.id)})\n\nRule ${mdCode(m.rule ?? 'none')} · ${mdEscape(m.status)} · ${mdEscape(m.start?.slice(0, 10) ?? '?')} to ${mdEscape(m.end?.slice(0, 10) ?? 'open')} · planned ${m.planned.map((p) => `${mdEscape(p.variant)} ${pct(p.share)}`).join(', ')}`;
  if (!m.readout || !m.guidance) return `${head}\n\nNo readout: ${mdEscape(m.no_readout ?? 'no data')}.\n`;
  const r = m.readout;
  const g = m.guidance;
  const changes = changesDuring(m, o);
  const plan = [
    g.requiredSamplePerArm !== null
      ? `- Sample needed per arm for the planned effect: ${g.requiredSamplePerArm}`
      : null,
    g.moreDays !== null
      ? `- Days left: about ${g.moreDays} (${g.recheckOn !== null ? `read again on ${g.recheckOn}` : 'out of reach at this traffic: re-plan the test'})`
      : null,
    g.currentExposure !== null
      ? `- Traffic: ${mdEscape(g.variant)} at ${pct(g.currentExposure)} → ${pct(g.targetExposure)}`
      : null,
  ].filter((x) => x !== null);
  return [
    head,
    '',
    `**Guidance: ${g.kind}.** ${mdEscape(g.headline)}`,
    '',
    ...caution(changes),
    `Method: ${r.method} (${r.difference} effects, α = ${r.alpha}${r.correction !== 'none' ? `, ${correctionText(r)}` : ''}${r.sequential_tuning !== null ? `, sequential tuning ${r.sequential_tuning}` : ''}); ${r.units} users.`,
    '',
    '### Health',
    ...health(m, changes),
    '',
    '### Metrics',
    metricsTable(m),
    '',
    `### Recommendation: ${r.recommendation.action}`,
    ...r.recommendation.reasons.map((x) => `- ${mdEscape(x)}`),
    '',
    '### Next steps',
    ...g.nextSteps.map((x) => `1. ${mdEscape(x)}`),
    ...(plan.length ? ['', '### Rollout plan', ...plan] : []),
    '',
    `Next test: ${mdEscape(r.next_test)}`,
    '',
  ].join('\n');
}

/** experiment-memo.md: one memo per experiment with health, metrics, recommendation, next steps and rollout plan. */
export function experimentMemoMarkdown(r: MonitorPersonalizationResult, o: O): string {
  const memos = o.experiments.memos;
  return [
    `# Experiment memo — ${mdEscape(r.initiative.name ?? 'all initiatives')}`,
    '',
    `As of ${r.as_of} (${r.window.label} window). ${memos.length} experiment${memos.length === 1 ? '' : 's'}: ${memos.map((m) => `${mdEscape(m.id)} → ${mdEscape(m.guidance?.kind ?? m.no_readout ?? 'no readout')}`).join('; ') || 'none'}.`,
    '',
    ...memos.map((m) => memoOf(m, o)),
  ].join('\n');
}

/** governance-checklist.md: the checklist, pending approvals and violations, with owners. */
export function governanceChecklistMarkdown(r: MonitorPersonalizationResult, o: O): string {
  const g = o.governance.scan;
  const rows = g.checklist.items.map((i) => [
    i.status.toUpperCase(),
    mdEscape(i.title),
    i.count === null ? '–' : String(i.count),
    mdEscape(i.evidence),
    human(i.ownerRole),
  ]);
  const pending = g.checklist.pendingApprovals.map((p) => [
    mdEscape(p.changeId),
    mdEscape(p.rule),
    mdEscape(p.ts),
    mdEscape(p.author),
    mdEscape(p.change ?? ''),
    num(p.ageDays, 3),
  ]);
  const findings = g.findings.map(
    (f) =>
      `- **[${f.severity}]** ${mdEscape(f.title)} — ${mdEscape(f.evidence)} _Action:_ ${mdEscape(f.suggestedAction)} (${human(f.ownerRole)})`,
  );
  return [
    `# Governance checklist — ${mdEscape(r.initiative.name ?? 'all initiatives')}`,
    '',
    `As of ${r.as_of} (${r.window.label} window): **${g.checklist.status}**. Consent checked against ${o.governance.consent_source ?? 'nothing (no consent data)'}.`,
    '',
    mdTable(['Status', 'Control', 'Count', 'Evidence', 'Owner'], rows),
    '',
    '## Pending approvals',
    pending.length
      ? mdTable(['Change', 'Rule', 'Live since', 'Author', 'What', 'Days pending'], pending)
      : 'None.',
    '',
    '## Violations and findings',
    findings.length ? findings.join('\n') : 'None.',
    ...(o.governance.consent_users?.rows.length
      ? ['', mdEscape(affectedUsersCaption(o.governance.consent_users))]
      : []),
    '',
  ].join('\n');
}
