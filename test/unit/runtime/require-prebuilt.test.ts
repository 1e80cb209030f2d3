import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  prebuiltCache,
  prebuiltCacheUse,
  prebuiltScript,
  requirePrebuilt,
  runPrebuilt,
} from '../../../src/runtime/require-prebuilt.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'gtm-prebuilt-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// a small CommonJS module of the validators' shape: a function with properties, using require
const SOURCE = `"use strict";
const path = require('node:path');
function validate(x) { validate.errors = x && x.ok ? null : [{ message: 'not ok ' + path.sep }]; return !validate.errors; }
module.exports = validate;
module.exports.default = validate;`;

describe('requirePrebuilt', () => {
  it('gives what require gives, with a cache, a rejected cache and none', () => {
    const file = path.join(tmp, 'v.cjs');
    writeFileSync(file, SOURCE);
    const plain = createRequire(file)(file) as ((x: unknown) => boolean) & { errors: unknown };
    const check = (v: ((x: unknown) => boolean) & { errors: unknown }) => {
      expect(v({ ok: true })).toBe(true);
      expect(v({})).toBe(false);
      expect(v.errors).toEqual([{ message: `not ok ${path.sep}` }]);
      expect(plain({})).toBe(false);
      expect(v.errors).toEqual(plain.errors);
    };
    const before = { ...prebuiltCacheUse };
    check(requirePrebuilt(file) as never); // no cache: plain require
    expect(prebuiltCacheUse.absent - before.absent).toBe(1);

    const script = prebuiltScript(file);
    (runPrebuilt(script, file) as (x: unknown) => boolean)({});
    const cache = prebuiltCache(file, script);
    writeFileSync(`${file}.v8cache`, cache);
    check(requirePrebuilt(file) as never);
    expect(prebuiltCacheUse.accepted - before.accepted).toBe(1);

    // a cache of another source of the same length (V8 itself would take it), and a damaged one
    writeFileSync(file, SOURCE.replace('not ok', 'NOT OK'));
    expect(
      (requirePrebuilt(file) as (x: unknown) => boolean) && prebuiltCacheUse.rejected - before.rejected,
    ).toBe(1);
    writeFileSync(file, SOURCE);
    writeFileSync(`${file}.v8cache`, Buffer.concat([cache.subarray(0, 32), Buffer.from('not a code cache')]));
    // (V8 may or may not flag damaged data as rejected; the module is the same either way)
    check(requirePrebuilt(file) as never);
  });

  it.runIf(existsSync(path.join(root, 'dist/workspace/gtm-schema-validate.cjs.v8cache')))(
    "accepts the build's caches of the two validators",
    () => {
      for (const rel of ['workspace/gtm-schema-validate.cjs', 'orchestrator/plan-schema-validate.cjs']) {
        const file = path.join(root, 'dist', rel);
        const before = prebuiltCacheUse.accepted;
        const validate = requirePrebuilt(file) as (x: unknown) => boolean;
        expect(prebuiltCacheUse.accepted - before, rel).toBe(1);
        expect(validate({ __not_a_key__: 1 })).toBe(false);
      }
    },
  );
});
