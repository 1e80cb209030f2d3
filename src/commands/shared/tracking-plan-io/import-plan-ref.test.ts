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
