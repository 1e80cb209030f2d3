import { describe, expect, it } from 'vitest';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import { renderChangelog } from './changelog.ts';
import { diffPlans } from './plan-diff.ts';
import type { ChangeLevel } from './plan-diff.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type { PlanEvent, PlanProperty, TrackingPlan } from './tracking-plan.ts';

const base = (properties: PlanProperty[], additionalProperties = false): TrackingPlan =>
  createPlan({
    name: 'p',
    version: '1-2-3',
    events: [createEvent({ name: 'Order Completed', version: '2-0-1', additionalProperties, properties })],
  });
const p = (name: string, schema: PlanProperty['schema'], required = false): PlanProperty => ({
  name,
  required,
  schema,
});

/** [scenario, old properties, new properties, old additionalProperties, new additionalProperties, expected level] */
const SCENARIOS: Array<[string, PlanProperty[], PlanProperty[], boolean, boolean, ChangeLevel]> = [
  ['required property added', [], [p('a', { type: 'string' }, true)], false, false, 'model'],
  ['optional property added to a closed event', [], [p('a', { type: 'string' })], false, false, 'addition'],
  ['optional property added to an open event', [], [p('a', { type: 'string' })], true, true, 'revision'],
  ['required property removed, closed event', [p('a', { type: 'string' }, true)], [], false, false, 'model'],
  ['optional property removed, closed event', [p('a', { type: 'string' })], [], false, false, 'revision'],
  ['property removed, open event', [p('a', { type: 'string' }, true)], [], true, true, 'addition'],
  [
    'optional made required',
    [p('a', { type: 'string' })],
    [p('a', { type: 'string' }, true)],
    false,
    false,
    'revision',
  ],
  [
    'required made optional',
    [p('a', { type: 'string' }, true)],
    [p('a', { type: 'string' })],
    false,
    false,
    'addition',
  ],
  [
    'type widened to nullable',
    [p('a', { type: 'string' })],
    [p('a', { type: ['string', 'null'] })],
    false,
    false,
    'addition',
  ],
  [
    'integer widened to number',
    [p('a', { type: 'integer' })],
    [p('a', { type: 'number' })],
    false,
    false,
    'addition',
  ],
  [
    'number narrowed to integer',
    [p('a', { type: 'number' })],
    [p('a', { type: 'integer' })],
    false,
    false,
    'revision',
  ],
  [
    'required type changed',
    [p('a', { type: 'string' }, true)],
    [p('a', { type: 'number' }, true)],
    false,
    false,
    'model',
  ],
  [
    'optional type changed',
    [p('a', { type: 'string' })],
    [p('a', { type: 'number' })],
    false,
    false,
    'revision',
  ],
  [
    'enum added',
    [p('a', { type: 'string' })],
    [p('a', { type: 'string', enum: ['x'] })],
    false,
    false,
    'revision',
  ],
  ['enum value added', [p('a', { enum: ['x'] })], [p('a', { enum: ['x', 'y'] })], false, false, 'addition'],
  ['enum value removed', [p('a', { enum: ['x', 'y'] })], [p('a', { enum: ['x'] })], false, false, 'revision'],
  [
    'maxLength raised',
    [p('a', { type: 'string', maxLength: 5 })],
    [p('a', { type: 'string', maxLength: 9 })],
    false,
    false,
    'addition',
  ],
  [
    'maximum lowered',
    [p('a', { type: 'number', maximum: 9 })],
    [p('a', { type: 'number', maximum: 5 })],
    false,
    false,
    'revision',
  ],
  [
    'minimum removed',
    [p('a', { type: 'number', minimum: 0 })],
    [p('a', { type: 'number' })],
    false,
    false,
    'addition',
  ],
  [
    'pattern changed',
    [p('a', { type: 'string', pattern: '^a' })],
    [p('a', { type: 'string', pattern: '^b' })],
    false,
    false,
    'revision',
  ],
  ['unplanned properties forbidden', [], [], true, false, 'revision'],
  ['unplanned properties allowed', [], [], false, true, 'addition'],
  [
    'nested required property added',
    [p('o', { type: 'object', properties: {}, additionalProperties: false }, true)],
    [
      p(
        'o',
        {
          type: 'object',
          properties: { x: { type: 'string' } },
          required: ['x'],
          additionalProperties: false,
        },
        true,
      ),
    ],
    false,
    false,
    'model',
  ],
  [
    'array item type narrowed',
    [p('l', { type: 'array', items: { type: ['string', 'null'] } })],
    [p('l', { type: 'array', items: { type: 'string' } })],
    false,
    false,
    'revision',
  ],
  [
    'description edited',
    [{ ...p('a', { type: 'string' }), description: 'x' }],
    [{ ...p('a', { type: 'string' }), description: 'y' }],
    false,
    false,
    'addition',
  ],
  [
    'privacy facts only',
    [p('a', { type: 'string' })],
    [{ ...p('a', { type: 'string' }), pii: true, retentionDays: 30 }],
    false,
    false,
    'none',
  ],
];

describe('diffPlans', () => {
  it.each(SCENARIOS)('%s → %s', (_name, before, after, apBefore, apAfter, level) => {
    const diff = diffPlans(base(before, apBefore), base(after, apAfter));
    expect(diff.level).toBe(level);
    expect(diff.changes.every((c) => c.breaking === (c.level === 'model'))).toBe(true);
  });

  it('proposes event and plan versions from the highest level', () => {
    const before = base([p('a', { type: 'string' })]);
    const after = base([p('a', { type: 'string' }, true), p('b', { type: 'number' })]);
    const diff = diffPlans(before, after);
    expect(diff.level).toBe('revision');
    expect(diff.proposedVersion).toBe('1-3-0');
    expect(diff.events).toEqual([
      {
        event: 'Order Completed',
        eventType: 'track',
        level: 'revision',
        from: '2-0-1',
        proposed: '2-1-0',
        declared: '2-0-1',
      },
    ]);
  });

  it('classifies added and removed events, noting a likely rename', () => {
    const before = createPlan({
      name: 'p',
      events: [createEvent({ name: 'order_completed' }), createEvent({ name: 'Kept' })],
    });
    const after = createPlan({
      name: 'p',
      events: [
        createEvent({ name: 'Order Completed' }),
        createEvent({ name: 'Kept' }),
        createEvent({ name: 'New One' }),
      ],
    });
    const diff = diffPlans(before, after);
    expect(diff.changes.map((c) => [c.event, c.kind, c.level])).toEqual([
      ['order_completed', 'event-removed', 'model'],
      ['Order Completed', 'event-added', 'addition'],
      ['New One', 'event-added', 'addition'],
    ]);
    expect(diff.changes[0].description).toContain('renamed to "Order Completed"');
    expect(diff.proposedVersion).toBe('2-0-0');
  });

  it('notes a rename to another name when the removed and added events are the only ones of their payload', () => {
    const id: PlanProperty = { name: 'report_id', required: true, schema: { type: 'string', maxLength: 40 } };
    const fmt: PlanProperty = {
      name: 'file_format',
      required: true,
      schema: { type: 'string', enum: ['csv', 'pdf'] },
    };
    const before = createPlan({
      name: 'p',
      events: [
        createEvent({ name: 'Report Exported', properties: [id, fmt] }),
        createEvent({ name: 'Integration Connected', properties: [id] }),
        createEvent({ name: 'Kept', properties: [fmt] }),
      ],
    });
    const after = createPlan({
      name: 'p',
      events: [
        // the same properties in another order: one payload
        createEvent({ name: 'Report Downloaded', properties: [fmt, id] }),
        createEvent({ name: 'Kept', properties: [fmt] }),
        createEvent({ name: 'Credit Note Issued', properties: [id, { ...fmt, required: false }] }),
      ],
    });
    const diff = diffPlans(before, after);
    expect(diff.changes.map((c) => [c.event, c.kind, c.description])).toEqual([
      [
        'Report Exported',
        'event-removed',
        'removed (renamed to "Report Downloaded"?): its data no longer matches any event',
      ],
      ['Integration Connected', 'event-removed', 'removed: its data no longer matches any event'],
      ['Report Downloaded', 'event-added', 'added (renamed from "Report Exported"?)'],
      ['Credit Note Issued', 'event-added', 'added'],
    ]);
    expect(diff.level).toBe('model');
    // two added events of the removed one's payload: which one it became is a guess, so none is named
    const twice = createPlan({
      name: 'p',
      events: [
        createEvent({ name: 'Report Downloaded', properties: [id, fmt] }),
        createEvent({ name: 'Report Printed', properties: [id, fmt] }),
      ],
    });
    const ambiguous = diffPlans(createPlan({ name: 'p', events: [before.events[0]] }), twice);
    expect(ambiguous.changes.map((c) => c.description)).toEqual([
      'removed: its data no longer matches any event',
      'added',
      'added',
    ]);
  });

  it('records governance metadata without a version bump', () => {
    const before = shopPlan();
    const after = shopPlan();
    const oc = after.events[0] as PlanEvent;
    oc.owner = 'new-owner';
    oc.sources = ['web'];
    const diff = diffPlans(before, after);
    expect(diff.level).toBe('none');
    expect(diff.proposedVersion).toBe(before.version);
    expect(diff.changes.map((c) => c.description)).toEqual([
      'owner: (none) → new-owner',
      'sources: ["web","server"] → ["web"]',
    ]);
  });

  it('renders a Markdown changelog grouped by event, breaking changes first', () => {
    const before = shopPlan();
    const after = shopPlan();
    after.events[0].properties = after.events[0].properties.filter((x) => x.name !== 'note');
    after.events[0].properties.push({
      name: 'tax',
      description: 'Tax.',
      required: true,
      schema: { type: 'number', minimum: 0, maximum: 1e5 },
    });
    after.events[0].properties[2].schema = { type: 'string', pattern: '^[A-Z]{3}$', maxLength: 3 };
    after.events.splice(1, 1);
    const md = renderChangelog(diffPlans(before, after));
    expect(md).toBe(
      [
        '# Tracking plan changelog: Shop',
        '',
        'Proposed plan version: 2-1-0 → **3-0-0** (MODEL (breaking)).',
        '',
        '| level | changes |',
        '|---|---:|',
        '| MODEL (breaking) | 2 |',
        '| REVISION (may break some historical data) | 2 |',
        '',
        '## Ad Clicked',
        '',
        '- **MODEL** removed: its data no longer matches any event',
        '',
        '## Order Completed (3-0-0 → 4-0-0)',
        '',
        '- **MODEL** `tax`: added as required: historical records lack it',
        '- **REVISION** `note`: removed while no other properties are allowed: records that have it break',
        '- **REVISION** `currency`: maxLength 3 added',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing changed', () => {
    expect(renderChangelog(diffPlans(shopPlan(), shopPlan()))).toContain('No changes from 2-1-0.');
  });

  it('writes control characters and line breaks of the plan names as \\xNN and spaces', () => {
    const before = shopPlan();
    const after = shopPlan();
    after.name = 'Shop\u001b]0;PWNED\u0007\n# not a heading';
    after.events[0].name = 'Ad\u009b2J\r\nClicked|x';
    const md = renderChangelog(diffPlans(before, after));
    expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(md).toContain('# Tracking plan changelog: Shop\\x1b\\]0;PWNED\\x07 # not a heading\n');
    expect(md).toContain('## Ad\\x9b2J Clicked\\|x');
    expect(md).not.toMatch(/^# not a heading/m);
  });
});

describe('common properties', () => {
  it('version every event: a required common property is a MODEL change, an optional one a REVISION (others were allowed)', () => {
    const before = shopPlan();
    const after = shopPlan();
    after.common = { properties: [p('session_id', { type: 'string', maxLength: 64 }, true)] };
    const required = diffPlans(before, after);
    expect(required.changes.map((c) => `${c.event} ${c.kind} ${c.level}`)).toEqual([
      '(common properties) property-added model',
    ]);
    expect(required.proposedVersion).toBe('3-0-0');
    after.common.properties[0].required = false;
    expect(diffPlans(before, after).level).toBe('revision');
    expect(diffPlans(after, after).changes).toEqual([]);
  });
});
