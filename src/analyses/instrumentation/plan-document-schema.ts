import {
  CALL_TYPES,
  EVENT_STATUSES,
  IDENTITIES,
  PII_KINDS,
  REGULATIONS,
  SOURCE_KINDS,
} from './tracking-plan.ts';

/** The marker of gtm's own tracking-plan document format. */
export const PLAN_DOCUMENT_FORMAT = 'gtm-tracking-plan/v1';

const schemaVer = { type: 'string', pattern: '^[1-9][0-9]*-(0|[1-9][0-9]*)-(0|[1-9][0-9]*)$' };
const governance = {
  consent_category: {
    type: 'string',
    minLength: 1,
    description: 'Consent category the data needs (e.g. Analytics).',
  },
  pii: { type: 'boolean', description: 'Whether the data is personal data.' },
  pii_kind: { enum: [...PII_KINDS] },
  retention_days: { type: 'integer', minimum: 1, description: 'Days the data may be kept.' },
};

const propertyList = {
  type: 'array',
  items: {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      required: { type: 'boolean' },
      schema: { type: 'object', description: 'JSON Schema (draft-07) of the value.' },
      ...governance,
    },
  },
};

/**
 * JSON Schema (draft-07) of a `gtm-tracking-plan/v1` document, in JSON or YAML. Published so that
 * editors can complete plan files; the reader validates against it and reports the first
 * problem with its path.
 */
export const PLAN_DOCUMENT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://gtm.dev/schemas/gtm-tracking-plan-v1.json',
  title: 'gtm tracking plan',
  type: 'object',
  required: ['format', 'name', 'events'],
  additionalProperties: false,
  properties: {
    format: { const: PLAN_DOCUMENT_FORMAT },
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    version: schemaVer,
    owner: { type: 'string' },
    consent: {
      type: 'object',
      additionalProperties: false,
      properties: {
        mode: { enum: ['opt-in', 'opt-out'] },
        categories: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
      },
    },
    regulations: { type: 'array', items: { enum: [...REGULATIONS] }, uniqueItems: true },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'kind'],
        additionalProperties: false,
        properties: {
          id: { type: 'string', minLength: 1 },
          kind: { enum: [...SOURCE_KINDS] },
          description: { type: 'string' },
          libraries: { type: 'array', items: { type: 'string' } },
          write_keys: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    events: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          type: { enum: [...CALL_TYPES] },
          description: { type: 'string' },
          status: { enum: [...EVENT_STATUSES] },
          owner: { type: 'string' },
          version: schemaVer,
          sources: { type: 'array', items: { type: 'string' } },
          identities: { type: 'array', items: { enum: [...IDENTITIES] }, uniqueItems: true },
          sampling_rate: { type: 'number', minimum: 0, maximum: 1 },
          category: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          additional_properties: { type: 'boolean' },
          schema_extras: { type: 'object' },
          ...governance,
          properties: propertyList,
        },
      },
    },
    common: {
      type: 'object',
      description: 'Properties every event shares (Segment COMMON rules).',
      required: ['properties'],
      additionalProperties: false,
      properties: {
        properties: propertyList,
        version: schemaVer,
        schema_extras: { type: 'object' },
        message: { type: 'object', description: 'The rest of the common message schema, verbatim.' },
      },
    },
  },
} as const;
