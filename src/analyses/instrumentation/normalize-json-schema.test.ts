import { describe, expect, it } from 'vitest';
import { createEventValidator } from './event-validator.ts';
import { fromJsonSchemas } from './json-schema-format.ts';
import { normalizeJsonSchema } from './normalize-json-schema.ts';
import { PlanParseError } from './plan-parse-error.ts';
import { fromSegmentPlan } from './segment-format.ts';
import type { JsonSchema } from './tracking-plan.ts';

/** Normalizes a schema written as plain data and returns one property's schema. */
function property(schema: unknown, name: string, options = {}): JsonSchema | undefined {
  return normalizeJsonSchema(schema as JsonSchema, options).properties?.[name];
}

/** Depth of nested `items` under a schema. */
function itemsDepth(s: JsonSchema | undefined): number {
  let n = 0;
  for (let node = s; node && typeof node === 'object' && node.items; node = node.items as JsonSchema) n++;
  return n;
}

describe('normalizeJsonSchema $ref', () => {
  it('keeps the annotations written beside a $ref over the referenced schema', () => {
    const total = property(
      {
        type: 'object',
        definitions: { money: { type: 'number', minimum: 0, description: 'An amount' } },
        properties: { total: { $ref: '#/definitions/money', description: 'Order total', title: 'Total' } },
      },
      'total',
    );
    expect(total).toEqual({
      type: 'number',
      minimum: 0,
      description: 'Order total',
      title: 'Total',
    });
    // Without annotations beside it the referenced schema is inlined as it is.
    expect(
      property(
        { definitions: { m: { type: 'number' } }, properties: { a: { $ref: '#/definitions/m' } } },
        'a',
      ),
    ).toEqual({ type: 'number' });
  });

  it('refuses a local $ref that points at nothing, naming its JSON path', () => {
    const schema = {
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: '#/definitions/nope' } } },
    };
    let err: unknown;
    try {
      normalizeJsonSchema(schema as JsonSchema, { at: 'order_completed' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PlanParseError);
    expect((err as PlanParseError).message).toBe(
      '$ref "#/definitions/nope" points at nothing in the document',
    );
    expect((err as PlanParseError).at).toBe('order_completed properties.items.items.$ref');
  });

  it('leaves an external $ref it cannot resolve unconstrained (gtm fetches nothing)', () => {
    const s = property({ properties: { s: { $ref: 'http://json-schema.org/draft-04/schema#' } } }, 's');
    expect(s).toEqual({});
  });

  it('inlines a chain of 12 distinct references whole (it stopped at 8, leaving "anything")', () => {
    const definitions: Record<string, JsonSchema> = { d12: { type: 'string', maxLength: 3 } };
    for (let i = 11; i >= 1; i--) definitions[`d${i}`] = { $ref: `#/definitions/d${i + 1}` };
    const code = property({ definitions, properties: { code: { $ref: '#/definitions/d1' } } }, 'code');
    expect(code).toEqual({ type: 'string', maxLength: 3 });
  });

  it('stops a recursive $ref after maxRefDepth levels of itself', () => {
    const schema = {
      definitions: { node: { type: 'array', items: { $ref: '#/definitions/node' } } },
      properties: { tree: { $ref: '#/definitions/node' } },
    };
    expect(itemsDepth(property(schema, 'tree'))).toBe(8);
    expect(itemsDepth(property(schema, 'tree', { maxRefDepth: 3 }))).toBe(3);
  });
});

describe('plan formats with $ref', () => {
  it('JSON Schema: a dangling $ref is an import error, not a property that takes anything', () => {
    const doc = {
      title: 'Thing Happened',
      type: 'object',
      properties: { x: { $ref: '#/definitions/nope' } },
    };
    expect(() => fromJsonSchemas([{ schema: doc, fallbackName: 'thing' }])).toThrow(
      '$ref "#/definitions/nope" points at nothing',
    );
  });

  it('Segment: a property referencing the rule’s own definitions keeps its type and constraints', () => {
    const plan = fromSegmentPlan({
      rules: [
        {
          type: 'TRACK',
          key: 'Order Completed',
          version: 1,
          jsonSchema: {
            $schema: 'http://json-schema.org/draft-07/schema#',
            type: 'object',
            definitions: { money: { type: 'number', minimum: 0 } },
            properties: {
              properties: {
                type: 'object',
                properties: { total: { $ref: '#/definitions/money', description: 'Order total' } },
                required: ['total'],
              },
            },
          },
        },
      ],
    });
    const total = plan.events[0].properties[0];
    expect(total).toMatchObject({ name: 'total', required: true, schema: { type: 'number', minimum: 0 } });
    const v = createEventValidator(plan);
    v.validate({ type: 'track', event: 'Order Completed', userId: 'u1', properties: { total: -5 } });
    v.validate({ type: 'track', event: 'Order Completed', userId: 'u2', properties: { total: 'ten' } });
    expect(v.report().violationsByType).toMatchObject({ constraint_violation: 1, wrong_type: 1 });
  });
});
