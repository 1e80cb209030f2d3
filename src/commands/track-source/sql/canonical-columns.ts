/** Canonical columns per entity; `required` ones must be mapped or present by name. */
export const CANONICAL = {
  touchpoints: {
    columns: [
      'touch_id',
      'person_id',
      'account_id',
      'occurred_at',
      'utm_source',
      'utm_medium',
      'utm_campaign',
      'utm_content',
      'utm_term',
      'partner',
      'asset',
      'region',
      'touch_type',
    ],
    required: ['occurred_at'],
    oneOf: [['person_id', 'account_id']],
  },
  opportunities: {
    columns: [
      'opportunity_id',
      'account_id',
      'created_at',
      'closed_at',
      'stage',
      'amount',
      'currency',
      'campaign',
      'region',
      'segment',
      'partner',
    ],
    required: ['opportunity_id', 'account_id', 'created_at', 'stage', 'amount'],
    oneOf: [],
  },
  stage_history: {
    columns: ['opportunity_id', 'stage', 'changed_at'],
    required: ['opportunity_id', 'stage', 'changed_at'],
    oneOf: [],
  },
  people: {
    columns: ['person_id', 'account_id', 'created_at', 'segment', 'persona', 'region'],
    required: ['person_id', 'account_id'],
    oneOf: [],
  },
} as const;

export type CanonicalEntity = keyof typeof CANONICAL;
