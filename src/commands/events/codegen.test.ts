import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { referencePath } from '../../../test/helpers/reference-data.ts';
import { shopPlan } from '../../../test/fixtures/events/shop-plan.ts';
import {
  USE_CASE_TEMPLATES,
  draftPlan,
  generateTrackingModule,
  useCaseRequirements,
} from '../../analyses/instrumentation/index.ts';
import { codegenFile } from './plan-tools.ts';
import { importPlan } from '../shared/tracking-plan-io/import-plan.ts';

const root = resolve(import.meta.dirname, '../../..');
const tsc = join(root, 'node_modules', '.bin', 'tsc');
const tmp = mkdtempSync(join(tmpdir(), 'gtm-codegen-'));
symlinkSync(join(root, 'node_modules'), join(tmp, 'node_modules'), 'dir');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the installed tsc; returns its output when it fails. */
function typecheck(args: string[]): string {
  try {
    execFileSync(tsc, args, { cwd: tmp, encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}` || String(err);
  }
}

const segmentPlan = () =>
  importPlan({ path: referencePath('tracking-plans', 'segment-public-api-plan.json') });

describe('generateTrackingModule', () => {
  it('gives every event a distinct, valid function name', () => {
    const code = generateTrackingModule(segmentPlan());
    const names = [...code.matchAll(/^export function (\w+)\(/gm)].map((m) => m[1]);
    expect(names).toHaveLength(25);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(25);
    expect(names).toContain('_42TerribleEventName3');
    expect(names).toContain('eventCollided');
    expect(names).toContain('eventCollided2');
    expect(names).toContain('propertyObjectNameCollision1');
    expect(code).toContain(`_42TerribleEventName3: "42_--terrible==\\\\\\"event'++name~!3",`);
    expect(code).toContain('"Property Collided": string;');
    expect(code).toContain('property_collided: string;');
    expect(code).toContain('"string enum"?: "Evil Morty" | "Lawyer Morty";');
    expect(code).toContain('universe_name: string | null | number;');
  });

  it('compiles under tsc --strict: Segment reference plan, with and without runtime validation, draft plan, shop plan', async () => {
    const cases = [
      ['segment', segmentPlan(), false],
      ['segment-runtime', segmentPlan(), true],
      [
        'draft-runtime',
        draftPlan(useCaseRequirements(USE_CASE_TEMPLATES.map((t) => t.id)), { name: 'All' }),
        true,
      ],
      ['shop-runtime', shopPlan(), true],
    ] as const;
    const files = await Promise.all(
      cases.map(async ([label, plan, runtimeValidation]) => {
        const file = `tracking-${label}.ts`;
        await codegenFile({ plan, out: join(tmp, file), runtimeValidation });
        return file;
      }),
    );
    // One tsc run over the four modules (each is a standalone module: no imports).
    expect(typecheck(['--strict', '--noEmit', ...files])).toBe('');
  });

  it('fits the real @segment/analytics-node and @rudderstack/rudder-sdk-node clients, and types are enforced', () => {
    writeFileSync(join(tmp, 'shop.ts'), generateTrackingModule(shopPlan(), { runtimeValidation: true }));
    const usage = (body: string) => `import { Analytics } from '@segment/analytics-node';
import Rudder from '@rudderstack/rudder-sdk-node';
import { orderCompleted, identify, page, EVENT_NAMES } from './shop.ts';
const segment = new Analytics({ writeKey: 'k' });
const rudder = new Rudder('k', { dataPlaneUrl: 'http://127.0.0.1:1' });
${body}
export const names = EVENT_NAMES;
`;
    const flags = [
      '--strict',
      '--noEmit',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--allowImportingTsExtensions',
      '--target',
      'es2022',
      '--skipLibCheck',
      '--esModuleInterop',
    ];
    writeFileSync(
      join(tmp, 'usage-ok.ts'),
      usage(`orderCompleted(segment, { order_id: 'o1', revenue: 10, currency: 'EUR', channel: 'web' }, { userId: 'u1' });
orderCompleted(rudder, { order_id: 'o1', revenue: 10, currency: 'EUR', shipping: { method: 'express' } }, { anonymousId: 'a1' });
identify(segment, { plan: 'pro' }, { userId: 'u1' });
page(rudder, {}, { anonymousId: 'a1' });`),
    );
    expect(typecheck([...flags, 'usage-ok.ts'])).toBe('');
    // The clients' optional fields say `| undefined`: they fit under exactOptionalPropertyTypes too.
    const strictest = ['--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess'];
    expect(typecheck([...flags, ...strictest, 'usage-ok.ts'])).toBe('');
    writeFileSync(
      join(tmp, 'usage-bad.ts'),
      usage(
        `orderCompleted(segment, { order_id: 'o1', revenue: '10', currency: 'EUR', channel: 'fax' }, {});`,
      ),
    );
    const errors = typecheck([...flags, 'usage-bad.ts']);
    expect(errors).toMatch(
      /usage-bad\.ts.*error TS2322.*revenue|Type 'string' is not assignable to type 'number'/s,
    );
    expect(errors).toMatch(/"fax"/);
  });

  it('checks payloads at run time and sends valid ones', async () => {
    const js = ts.transpileModule(generateTrackingModule(shopPlan(), { runtimeValidation: true }), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(tmp, 'shop-runtime.mjs');
    writeFileSync(file, js);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, (...args: unknown[]) => unknown>;
    const calls: unknown[] = [];
    const client = {
      track: (m: unknown) => calls.push(m),
      identify: (m: unknown) => calls.push(m),
      page: (m: unknown) => calls.push(m),
    };
    mod.orderCompleted(client, { order_id: 'o1', revenue: 10, currency: 'EUR' }, { userId: 'u1' });
    expect(calls).toEqual([
      {
        userId: 'u1',
        event: 'Order Completed',
        properties: { order_id: 'o1', revenue: 10, currency: 'EUR' },
      },
    ]);
    expect(() =>
      mod.orderCompleted(
        client,
        { order_id: 'o1', revenue: -1, currency: 'eur', debug: 1 },
        { userId: 'u1' },
      ),
    ).toThrow(
      'Tracking plan violation in "Order Completed": revenue is below 0; currency does not match ^[A-Z]{3}$; debug is not in the plan',
    );
    const seen: Array<[string, string[]]> = [];
    mod.setViolationHandler((event: unknown, problems: unknown) =>
      seen.push([event as string, problems as string[]]),
    );
    mod.orderCompleted(
      client,
      { order_id: 'o1', currency: 'EUR', shipping: { method: 'boat' } },
      { userId: 'u1' },
    );
    expect(seen).toEqual([
      ['Order Completed', ['revenue is required', 'shipping.method must be one of ["standard","express"]']],
    ]);
    expect(calls).toHaveLength(2);
  });
});

/** A plan of awkward shapes and names, as gtm JSON. */
function awkwardPlan() {
  const prop = (name: string, schema: object, required = false) => ({ name, required, schema });
  const event = (name: string, properties: object[], type = 'track', closed = false) => ({
    name,
    type,
    status: 'implemented',
    version: '1-0-0',
    sources: [],
    identities: ['userId', 'anonymousId'],
    additional_properties: !closed,
    properties,
  });
  const line = {
    type: 'object',
    properties: { sku: { type: 'string' }, qty: { type: 'integer' }, note: { type: 'string' } },
    required: ['sku', 'qty'],
    additionalProperties: false,
  };
  const events = [
    event(
      'Signup Started',
      [
        prop('plan', { type: 'string', enum: ['free', 'pro'] }, true),
        prop('coupon', { type: 'string' }),
        prop('referrer', { type: ['string', 'null'] }),
        prop('address', {
          type: 'object',
          properties: { city: { type: 'string' }, zip: { type: ['string', 'null'] } },
          required: ['city'],
          additionalProperties: false,
        }),
        prop('items', { type: 'array', items: line }, true),
      ],
      'track',
      true,
    ),
    event('signup started', [prop('class', { type: 'string' }, true), prop('3d', { type: 'boolean' })]),
    event('Café Visité', [prop('crème', { type: ['number', 'null'] }, true)]),
    event('constructor', [prop('toString', { type: 'string', format: 'toString' })], 'track', true),
    event('exports', [], 'track', true),
    event('Identify', [prop('tier', { type: 'string', enum: ['gold', 'silver'] })], 'identify'),
    event('Company', [prop('size', { type: 'integer' })], 'group'),
  ];
  const plan = { format: 'gtm-tracking-plan/v1', name: 'Awkward', version: '1-0-0', events };
  const file = join(tmp, 'awkward-plan.json');
  writeFileSync(file, JSON.stringify(plan));
  return importPlan({ path: file });
}

/** Valid calls, and invalid ones that must stay compile errors (the exact-optional ones only under that flag). */
const consumer = (
  module: string,
  exactOptional: boolean,
) => `import { signupStarted, signupStarted2, cafeVisite, constructor, exportsEvent, identify, groupCompany } from './${module}';
import type { AnalyticsClient } from './${module}';
const client: AnalyticsClient = { track: (m) => m, identify: (m) => m, group: (m) => m };
const u = { userId: 'u1' };
signupStarted(client, { plan: 'pro', referrer: null, address: { city: 'Lyon', zip: null }, items: [{ sku: 's', qty: 1 }] }, u);
signupStarted2(client, { class: 'c', '3d': true, extra: 1 }, { anonymousId: 'a' });
cafeVisite(client, { crème: null }, u);
constructor(client, undefined, u);
exportsEvent(client, {}, u);
identify(client, { tier: 'gold' }, u);
groupCompany(client, 'g1', undefined, u);
// @ts-expect-error a required property is missing
signupStarted(client, { plan: 'pro' }, u);
// @ts-expect-error not one of the enum's values
signupStarted(client, { plan: 'gold', items: [] }, u);
// @ts-expect-error a closed nested object
signupStarted(client, { plan: 'pro', items: [{ sku: 's', qty: 1, debug: 1 }] }, u);
// @ts-expect-error a closed event without properties
exportsEvent(client, { debug: 1 }, u);
// @ts-expect-error no identity
identify(client, { tier: 'silver' }, {});
${
  exactOptional
    ? `// @ts-expect-error undefined for an optional property that is not nullable
signupStarted(client, { plan: 'pro', items: [], coupon: undefined }, u);`
    : ''
}
`;

describe('generateTrackingModule under strict consumer settings', () => {
  it('compiles, and keeps invalid calls errors, under strict and the strictest flags with NodeNext and bundler resolution', async () => {
    const dir = join(tmp, 'strictest');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
    const plan = awkwardPlan();
    await codegenFile({ plan, out: join(dir, 'tracking.ts'), runtimeValidation: false });
    await codegenFile({ plan, out: join(dir, 'tracking-rt.ts'), runtimeValidation: true });
    const strict = ['--strict', '--noEmit', '--target', 'es2022', '--skipLibCheck', '--types', 'node'];
    const strictest = [
      ...strict,
      ...['--exactOptionalPropertyTypes', '--noUncheckedIndexedAccess'],
      ...['--noPropertyAccessFromIndexSignature', '--noImplicitOverride', '--verbatimModuleSyntax'],
      ...['--isolatedModules', '--noUnusedLocals', '--noUnusedParameters', '--noImplicitReturns'],
    ];
    const settings = [
      ['strict', [...strict, '--module', 'esnext', '--moduleResolution', 'bundler'], false],
      ['nodenext', [...strictest, '--module', 'nodenext', '--moduleResolution', 'nodenext'], true],
      ['bundler', [...strictest, '--module', 'esnext', '--moduleResolution', 'bundler'], true],
    ] as const;
    for (const [label, flags, exactOptional] of settings) {
      const files = ['tracking.js', 'tracking-rt.js'].map((module, i) => {
        const file = join(dir, `consumer-${label}-${i}.ts`);
        writeFileSync(file, consumer(module, exactOptional));
        return file;
      });
      expect(typecheck([...flags, ...files]), label).toBe('');
    }
  });

  it("reads only the plan's own properties at run time, and names no function after CommonJS's module variables", async () => {
    const code = generateTrackingModule(awkwardPlan(), { runtimeValidation: true });
    expect(code).toMatch(/^export function exportsEvent\(/m);
    const js = ts.transpileModule(code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    const file = join(tmp, 'awkward-runtime.mjs');
    writeFileSync(file, js);
    const mod = (await import(pathToFileURL(file).href)) as Record<string, (...args: unknown[]) => unknown>;
    const calls: unknown[] = [];
    const client = { track: (m: unknown) => calls.push(m) };
    // A format named like an Object method is not a format gtm knows: the value passes.
    mod.constructor(client, { toString: 'x' }, { userId: 'u1' });
    expect(calls).toHaveLength(1);
    expect(() => mod.exportsEvent(client, { toString: 'x', valueOf: 1 }, { userId: 'u1' })).toThrow(
      'Tracking plan violation in "exports": toString is not in the plan; valueOf is not in the plan',
    );
  });
});
