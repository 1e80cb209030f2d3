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

describe('importPlan: a property named __proto__ in every format', () => {
  /** JSON text with an own "__proto__" key, as a user's file holds it (an object literal would not). */
  const text = (doc: unknown) => JSON.stringify(doc).replace(/"__proto_X"/g, '"__proto__"');
  const withProto = { x: { type: 'string' }, __proto_X: { type: 'string' } };
  const write = (path: string, doc: unknown) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, typeof doc === 'string' ? doc : text(doc));
    return path;
  };
  const refused = (path: string, where: string, format?: 'iglu' | 'json-schema') =>
    expect(() => importPlan({ path, ...(format ? { format } : {}) })).toThrow(
      expect.objectContaining({
        code: 'INPUT',
        where,
        message: expect.stringContaining('a key named "__proto__"'),
      }),
    );

  it('Segment Public API: INPUT at the rule (the property was dropped: 1 property imported of 2)', () => {
    const rule = {
      key: 'P',
      type: 'TRACK',
      version: 1,
      jsonSchema: { type: 'object', properties: withProto },
    };
    const file = write(join(tmp, 'proto-seg.json'), { name: 'S', rules: [rule] });
    refused(file, `${file}:rules[0].jsonSchema.properties.__proto__`);
  });

  it('Segment Config API v1 traits: INPUT at the traits (Object.assign dropped it)', () => {
    const rules = { events: [], identify_traits: [{ type: 'object', properties: withProto }] };
    const file = write(join(tmp, 'proto-segv1.json'), { rules });
    refused(file, `${file}:rules.identify_traits[0].properties.__proto__`);
  });

  it('JSON Schema folder: INPUT naming the file and the nested JSON path', () => {
    const dir = join(tmp, 'proto-js');
    const nested = {
      title: 'N',
      type: 'object',
      properties: { o: { type: 'object', properties: withProto } },
    };
    const file = write(join(dir, 'n.json'), nested);
    refused(dir, `${file}:properties.o.properties.__proto__`, 'json-schema');
  });

  it('Iglu folder: INPUT naming the schema file', () => {
    const dir = join(tmp, 'proto-iglu');
    const self = { vendor: 'com.acme', name: 'p', format: 'jsonschema', version: '1-0-0' };
    const file = write(join(dir, 'com.acme/p/jsonschema/1-0-0'), {
      self,
      type: 'object',
      properties: withProto,
    });
    refused(dir, `${file}:properties.__proto__`, 'iglu');
  });

  it('gtm YAML: INPUT at a nested property (kept, it was lost on re-import of its Segment, Iglu or JSON Schema export)', () => {
    const yaml = [
      'format: gtm-tracking-plan/v1',
      'name: Y',
      'version: 1-0-0',
      'events:',
      '  - name: P',
      '    type: track',
      '    version: 1-0-0',
      '    properties:',
      '      - name: o',
      '        required: true',
      '        schema:',
      '          type: object',
      '          properties:',
      '            __proto__: { type: string }',
      '',
    ].join('\n');
    const file = write(join(tmp, 'proto.yaml'), yaml);
    refused(file, `${file}:events[0].properties[0].schema.properties.__proto__`);
  });

  it('Amplitude CSV: a nested key in the gtm Property schema names the event and the property', () => {
    const schema = JSON.stringify({ schema: { type: 'object', properties: withProto } }).replace(/"/g, '""');
    const file = write(
      join(tmp, 'proto-amp.csv'),
      `Object Type,Object Name,Property Type,Event Property Name,Property Value Type,gtm Property\nEvent,P,,,,\n,,Event Property,o,any,"${schema.replace('__proto_X', '__proto__')}"\n`,
    );
    expect(() => importPlan({ path: file, format: 'amplitude' })).toThrow(
      expect.objectContaining({
        code: 'INPUT',
        where: file,
        message: expect.stringContaining(
          'track event "P", property "o", has a key named "__proto__" at schema.properties.__proto__',
        ),
      }),
    );
  });
});
