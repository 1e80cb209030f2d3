/**
 * Roster roles (snake_case, as in gtm.yaml's `roster.roles`) that own each kind of issue. The
 * command passes the workspace's own names when they differ; these are only defaults.
 */
export interface OwnerRoles {
  /** Decisions served without consent. */
  readonly consent: string;
  /** Error, fallback, default and disabled rates of rules. */
  readonly ruleHealth: string;
  /** Rule changes without a proper approval; pending approvals. */
  readonly approvals: string;
  /** Rule changes inside an experiment's window; experiment readouts. */
  readonly experiments: string;
  /** Stale rules: collapsed splits, starved variants, dead or unreviewed rules. */
  readonly staleRules: string;
  /** Anomaly findings whose playbook names no owner. */
  readonly anomalies: string;
}

/**
 * The roles of the specification's escalation ladder (Testing Lead → Personalization Architect →
 * Data Privacy Lead): privacy owns consent, the architect owns rules and their changes, the testing
 * lead owns experiments and anomalies.
 */
export const DEFAULT_OWNER_ROLES: OwnerRoles = {
  consent: 'data_privacy_lead',
  ruleHealth: 'personalization_architect',
  approvals: 'personalization_architect',
  experiments: 'testing_lead',
  staleRules: 'personalization_architect',
  anomalies: 'testing_lead',
};
