import { describe, expect, it } from 'vitest';
import { parsePlanDocument } from './plan-document.ts';
import { PlanParseError } from './plan-parse-error.ts';

const base = () => ({
  format: 'gtm-tracking-plan/v1',
  name: 'Shop',
  version: '1-0-0',
  consent: { mode: 'opt-in', categories: ['Analytics'] },
  regulations: ['GDPR'],
  sources: [{ id: 'web', kind: 'web' }],
  events: [
    {
      name: 'Order Completed',
      type: 'track',
      status: 'implemented',
      version: '1-0-0',
      identities: ['userId'],
      sampling_rate: 1,
      properties: [{ name: 'total', required: true, schema: { type: 'number' }, retention_days: 30 }],
    },
  ],
});

type Doc = ReturnType<typeof base> & Record<string, unknown>;

function problem(change: (d: Doc) => void): { message: string; at?: string; hint?: string } {
  const d = base() as Doc;
  change(d);
  try {
    parsePlanDocument(JSON.stringify(d), 'json');
  } catch (e) {
    expect(e).toBeInstanceOf(PlanParseError);
    const { message, at, hint } = e as PlanParseError;
    return { message, at, hint };
  }
  throw new Error('expected the document to be refused');
}

describe('plan document errors', () => {
  it('accepts the base document', () => {
    expect(parsePlanDocument(JSON.stringify(base()), 'json').events).toHaveLength(1);
  });

  it.each<[string, (d: Doc) => void, string, string]>([
    [
      'an event status',
      (d) => ((d.events[0] as Record<string, unknown>).status = 'live'),
      'events[0].status',
      'must be one of planned, implemented, deprecated; got "live"',
    ],
    [
      'a call type',
      (d) => ((d.events[0] as Record<string, unknown>).type = 'click'),
      'events[0].type',
      'must be one of track, identify, page, screen, group; got "click"',
    ],
    [
      'a consent mode',
      (d) => ((d.consent as Record<string, unknown>).mode = 'optin'),
      'consent.mode',
      'must be one of opt-in, opt-out; got "optin"',
    ],
    [
      'a regulation',
      (d) => (d.regulations = ['GDPR', 'PIPEDA']),
      'regulations[1]',
      'must be one of GDPR, CCPA, HIPAA, COPPA; got "PIPEDA"',
    ],
    [
      'a source kind',
      (d) => ((d.sources[0] as Record<string, unknown>).kind = 'tv'),
      'sources[0].kind',
      'must be one of product, web, mobile, server, crm, map, billing, other; got "tv"',
    ],
    [
      'an identity',
      (d) => ((d.events[0] as Record<string, unknown>).identities = ['email']),
      'events[0].identities[0]',
      'must be one of userId, anonymousId, accountId, groupId; got "email"',
    ],
    [
      'the format marker',
      (d) => (d.format = 'gtm-tracking-plan/v2'),
      'format',
      'not a gtm-tracking-plan/v1 document (format is "gtm-tracking-plan/v2")',
    ],
    [
      'a name of the wrong type',
      (d) => (d.name = 42 as never),
      'name',
      'must be text; got a whole number (42)',
    ],
    [
      'a required flag as text',
      (d) => (d.events[0].properties[0].required = 'yes' as never),
      'events[0].properties[0].required',
      'must be true or false; got text ("yes")',
    ],
    [
      'a retention of 0 days',
      (d) => (d.events[0].properties[0].retention_days = 0),
      'events[0].properties[0].retention_days',
      'must be at least 1; got 0',
    ],
    [
      'a fractional retention',
      (d) => (d.events[0].properties[0].retention_days = 1.5),
      'events[0].properties[0].retention_days',
      'must be a whole number; got a number (1.5)',
    ],
    [
      'a sampling rate above 1',
      (d) => ((d.events[0] as Record<string, unknown>).sampling_rate = 2),
      'events[0].sampling_rate',
      'must be at most 1; got 2',
    ],
    ['an empty name', (d) => (d.name = ''), 'name', 'must not be empty'],
    [
      'events as a mapping',
      (d) => (d.events = {} as never),
      'events',
      'must be a list; got a mapping of keys to values',
    ],
    [
      'a version that is not SchemaVer',
      (d) => (d.events[0].version = '1.0'),
      'events[0].version',
      'must be a SchemaVer version MODEL-REVISION-ADDITION, e.g. 1-0-0; got "1.0"',
    ],
    [
      'a repeated regulation',
      (d) => (d.regulations = ['GDPR', 'CCPA', 'GDPR']),
      'regulations',
      'lists the same value twice (items 1 and 3: "GDPR")',
    ],
    ['a missing key', (d) => delete (d as Record<string, unknown>).name, '', 'missing key "name"'],
    [
      'an unknown key, listing the keys there',
      (d) => ((d.sources[0] as Record<string, unknown>).kinds = 'web'),
      'sources[0]',
      'unknown key "kinds"; the keys here are id, kind, description, libraries, write_keys',
    ],
  ])('%s', (_name, change, at, message) => {
    const p = problem(change);
    expect(p.message).toBe(message);
    expect(p.at ?? '').toBe(at);
    for (const text of [p.message, p.hint ?? ''])
      expect(text).not.toMatch(/PLAN_DOCUMENT_SCHEMA|must be equal to|must NOT|allowed values|\bparams\b/);
  });

  it('cuts and cleans an echoed value: printable, at most 60 characters', () => {
    const p = problem(
      (d) => ((d.events[0] as Record<string, unknown>).status = `live\u0000\u0007${'x'.repeat(200)}`),
    );
    expect(p.message).toMatch(
      /^must be one of planned, implemented, deprecated; got "live\\u0000\\u0007x+…$/,
    );
    expect(p.message.length).toBeLessThan(140);
    expect(p.message).not.toMatch(/[\u0000-\u001f]/);
  });
});
