import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importPlan } from './import-plan.ts';

const tmp = join(tmpdir(), `gtm-import-ref-${process.pid}`);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('importPlan: a JSON Schema folder with a dangling $ref', () => {
  it('is INPUT naming the file and JSON path of the $ref (it imported the property as "anything")', () => {
    const dir = join(tmp, 'js');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'a_first.json'),
      JSON.stringify({ title: 'A', properties: { x: { $ref: '#/nope' } } }),
    );
    writeFileSync(
      join(dir, 'b_second.json'),
      JSON.stringify({ title: 'B', properties: { y: { type: 'string' } } }),
    );
    expect(() => importPlan({ format: 'json-schema', path: dir })).toThrow(
      expect.objectContaining({
        code: 'INPUT',
        where: `${dir}:a_first properties.x.$ref`,
        message: expect.stringContaining('$ref "#/nope" points at nothing in the document'),
      }),
    );
  });
});

describe('importPlan: a property named __proto__', () => {
  it('is INPUT naming the event (validate refused the plan with "properties.type must be object,boolean"; codegen and the Segment export dropped it)', () => {
    mkdirSync(tmp, { recursive: true });
    const file = join(tmp, 'proto.json');
    const property = (name: string) => ({ name, required: true, schema: { type: 'string' } });
    const event = {
      name: 'P',
      type: 'track',
      version: '1-0-0',
      properties: [property('x'), property('__proto__')],
    };
    writeFileSync(
      file,
      JSON.stringify({ format: 'gtm-tracking-plan/v1', name: 'Proto', version: '1-0-0', events: [event] }),
    );
    expect(() => importPlan({ path: file })).toThrow(
      expect.objectContaining({
        code: 'INPUT',
        where: file,
        message: expect.stringContaining('track event "P" has a property named "__proto__"'),
      }),
    );
  });
});
