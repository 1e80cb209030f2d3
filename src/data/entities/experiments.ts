import { typedEntity } from './typed-entity.ts';

/**
 * Experiment definitions, one row per experiment and variant: planned weight, control flag, dates,
 * metrics and method. Read by the experiment review of the monitoring commands.
 */
export const experiments = typedEntity({
  name: 'experiments',
  description:
    'experiment definitions, one row per experiment and variant (weight, control, dates, metrics, method)',
  columns: {
    experiment_id: { kind: 'id', required: true },
    name: { kind: 'text' },
    variant: { kind: 'id', required: true },
    weight: { kind: 'number', min: 0 },
    is_control: { kind: 'boolean' },
    start_at: { kind: 'timestamp' },
    end_at: { kind: 'timestamp' },
    primary_metric: { kind: 'text' },
    guardrail_metrics: { kind: 'text' },
    method: { kind: 'token', values: ['frequentist', 'bayesian', 'sequential'] },
    status: { kind: 'token', values: ['draft', 'running', 'paused', 'completed', 'stopped'] },
    /** What the experiment tests: a rule, an incentive, a campaign. */
    subject: { kind: 'text' },
    initiative: { kind: 'text' },
  },
  dedupe: { keys: ['experiment_id', 'variant'] },
});

/**
 * Which unit (member, advocate, user) saw which variant of which experiment, and when. Unit ids are
 * kept as written (trimmed, letter case kept): each command joins them as the entity its units are
 * treats ids — monitor-loyalty's members exactly, optimize-referrals' advocates ignoring case.
 */
export const assignments = typedEntity({
  name: 'assignments',
  description: 'experiment assignments: experiment, unit (member, advocate, user), variant, assigned at',
  columns: {
    experiment_id: { kind: 'id', required: true },
    unit_id: { kind: 'id', required: true },
    variant: { kind: 'id', required: true },
    assigned_at: { kind: 'timestamp', required: true },
  },
  dedupe: { keys: ['experiment_id', 'unit_id', 'variant'] },
});
