import { sampleFromRegex } from './regex-sample.ts';
import type { JsonSchema, JsonType } from './tracking-plan.ts';

export interface SampleOptions {
  /**
   * Returns a number in [0, 1). Without it the sample is the minimal deterministic instance:
   * only required properties, smallest allowed numbers and lengths, first enum value.
   */
  random?: () => number;
  /** Probability of including each optional property when `random` is given (default 0.7). */
  optionalRate?: number;
  /** Resolves `$ref`s that are not local (`#/...`). */
  resolveRef?: (ref: string) => JsonSchema | undefined;
}

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-03-01T12:00:00Z',
  date: '2024-03-01',
  time: '12:00:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uri: 'https://example.com/',
  'strict-uri': 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  url: 'https://example.com/',
  uuid: '3f1c2a9e-5b7d-4c1e-9f2a-8d6b4e0c7a15',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.10',
  ipv6: '2001:db8::10',
  duration: 'P1D',
  regex: '^a$',
  'json-pointer': '/a',
};

const WORDS = [
  'alpha',
  'bravo',
  'delta',
  'echo',
  'kilo',
  'lima',
  'nova',
  'orbit',
  'pixel',
  'quartz',
  'sierra',
  'tango',
];

/**
 * A JSON value valid against `schema`, built from the schema itself: the minimal instance by
 * default, or a varied one with `random` (used by the seeded payload generator).
 *
 * @example
 * sampleInstance({ type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 3 } } })
 * // { id: 'aaa' }
 */
export function sampleInstance(schema: JsonSchema, options: SampleOptions = {}): unknown {
  return new Sampler(schema, options).value(schema, 0, 0);
}

class Sampler {
  private readonly root: JsonSchema;
  private readonly options: SampleOptions;

  constructor(root: JsonSchema, options: SampleOptions) {
    this.root = root;
    this.options = options;
  }

  private rnd(): number {
    return this.options.random ? this.options.random() : 0;
  }

  private deref(schema: JsonSchema, depth: number): JsonSchema {
    let s = schema;
    for (let i = 0; i < 16 && typeof s.$ref === 'string'; i++) {
      const ref = s.$ref;
      let target: JsonSchema | undefined;
      if (ref.startsWith('#')) {
        target = this.root;
        for (const raw of ref.slice(1).split('/').slice(1)) {
          target = (target as Record<string, JsonSchema> | undefined)?.[decodeURIComponent(raw)] as
            JsonSchema | undefined;
        }
      } else target = this.options.resolveRef?.(ref);
      if (!target || depth > 12) return {};
      s = target;
    }
    return s;
  }

  private merged(schema: JsonSchema): JsonSchema {
    if (!Array.isArray(schema.allOf)) return schema;
    const out: JsonSchema = { ...schema };
    delete out.allOf;
    for (const part of schema.allOf) {
      const p = this.merged(this.deref(part, 0));
      for (const [k, v] of Object.entries(p)) {
        if (k === 'properties')
          out.properties = { ...(out.properties ?? {}), ...(v as Record<string, JsonSchema>) };
        else if (k === 'required') out.required = [...new Set([...(out.required ?? []), ...(v as string[])])];
        else if (out[k] === undefined) out[k] = v;
      }
    }
    return out;
  }

  value(input: JsonSchema, depth: number, variant: number): unknown {
    if (input === null || typeof input !== 'object') return null;
    const schema = this.merged(this.deref(input, depth));
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length) {
      const i = this.options.random
        ? Math.floor(this.rnd() * schema.enum.length)
        : variant % schema.enum.length;
      return schema.enum[i];
    }
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (Array.isArray(alternatives) && alternatives.length) {
      // The first alternative that declares a type wins; typeless branches are often "not" guards.
      const base: JsonSchema = { ...schema };
      delete base.anyOf;
      delete base.oneOf;
      const pick =
        alternatives.find(
          (a) => a && (a.type !== undefined || a.enum || a.const !== undefined || a.properties),
        ) ?? alternatives[0];
      return this.value({ ...base, allOf: [...(base.allOf ?? []), pick] }, depth + 1, variant);
    }
    const type = this.pickType(schema);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return this.options.random ? this.rnd() < 0.5 : true;
      case 'integer':
      case 'number':
        return this.number(schema, type === 'integer', variant);
      case 'string':
        return this.string(schema, variant);
      case 'array':
        return this.array(schema, depth, variant);
      case 'object':
        return this.object(schema, depth, variant);
    }
  }

  private pickType(schema: JsonSchema): JsonType {
    const types: JsonType[] =
      schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    const nonNull = types.filter((t) => t !== 'null');
    if (nonNull.length) return nonNull[this.options.random ? Math.floor(this.rnd() * nonNull.length) : 0];
    if (types.length) return 'null';
    if (schema.properties || schema.required || schema.additionalProperties !== undefined) return 'object';
    if (schema.items || schema.minItems !== undefined) return 'array';
    if (schema.pattern || schema.format || schema.minLength !== undefined || schema.maxLength !== undefined)
      return 'string';
    if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined)
      return 'number';
    return this.options.random ? 'string' : 'object';
  }

  private number(schema: JsonSchema, integer: boolean, variant: number): number {
    let lo = -Infinity;
    let hi = Infinity;
    let loExclusive = false;
    let hiExclusive = false;
    if (typeof schema.minimum === 'number') lo = schema.minimum;
    if (typeof schema.exclusiveMinimum === 'number' && schema.exclusiveMinimum >= lo) {
      lo = schema.exclusiveMinimum;
      loExclusive = true;
    }
    if (typeof schema.maximum === 'number') hi = schema.maximum;
    if (typeof schema.exclusiveMaximum === 'number' && schema.exclusiveMaximum <= hi) {
      hi = schema.exclusiveMaximum;
      hiExclusive = true;
    }
    const step =
      typeof schema.multipleOf === 'number' && schema.multipleOf > 0 ? schema.multipleOf : integer ? 1 : 0;
    let start: number;
    if (this.options.random) {
      const a = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? Math.min(0, hi - 100) : 0;
      const b = Number.isFinite(hi) ? hi : a + 100;
      start = a + this.rnd() * (b - a);
      if (!integer && !step) start = Math.round(start * 100) / 100;
    } else start = Number.isFinite(lo) ? lo : Number.isFinite(hi) ? Math.min(0, hi) : variant;
    const ok = (x: number) => (loExclusive ? x > lo : x >= lo) && (hiExclusive ? x < hi : x <= hi);
    if (step) {
      let x = Math.ceil(start / step) * step;
      if (integer && !Number.isInteger(x)) x = Math.ceil(x);
      for (let i = 0; i < 4 && !ok(x); i++) x += step;
      if (!ok(x)) x = Math.floor(start / step) * step;
      return Number(x.toPrecision(12));
    }
    if (ok(start)) return start;
    const nudge = loExclusive ? lo + (integer ? 1 : Math.min(1, (hi - lo) / 2 || 1)) : lo;
    return ok(nudge) ? nudge : (lo + hi) / 2;
  }

  private string(schema: JsonSchema, variant: number): string {
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
    const fits = (s: string) => s.length >= min && s.length <= max;
    if (typeof schema.pattern === 'string') {
      let re: RegExp | undefined;
      try {
        re = new RegExp(schema.pattern, 'u');
      } catch {
        re = undefined;
      }
      const fmt = schema.format ? FORMAT_SAMPLES[schema.format] : undefined;
      if (fmt && re?.test(fmt) && fits(fmt)) return fmt;
      for (let v = variant; v < variant + 4; v++) {
        for (let extra = 0; extra <= Math.max(4, min); extra++) {
          const s = sampleFromRegex(schema.pattern, extra, v);
          if (s !== undefined && (!re || re.test(s)) && fits(s)) return s;
          if (s !== undefined && s.length > max) break;
        }
      }
      // Unanchored patterns also match inside padding.
      const s = sampleFromRegex(schema.pattern, 0, variant);
      if (s !== undefined) return s.padEnd(min, 'a');
    }
    if (schema.format && FORMAT_SAMPLES[schema.format]) return FORMAT_SAMPLES[schema.format];
    let s: string;
    if (this.options.random) {
      s = `${WORDS[Math.floor(this.rnd() * WORDS.length)]}_${Math.floor(this.rnd() * 1000)}`;
    } else s = variant ? `s${variant}` : '';
    if (s.length < min) s = s.padEnd(min, 'a');
    if (s.length > max) s = s.slice(0, max);
    return s;
  }

  private array(schema: JsonSchema, depth: number, variant: number): unknown[] {
    const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const max = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    let n = min;
    if (this.options.random && depth < 3) n = Math.min(max, min + Math.floor(this.rnd() * 3));
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const itemSchema = Array.isArray(schema.items) ? (schema.items[i] ?? {}) : (schema.items ?? {});
      out.push(this.value(itemSchema as JsonSchema, depth + 1, variant + i));
    }
    return out;
  }

  private object(schema: JsonSchema, depth: number, variant: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const props = schema.properties ?? {};
    const required = new Set(Array.isArray(schema.required) ? schema.required : []);
    const rate = this.options.optionalRate ?? 0.7;
    for (const [name, sub] of Object.entries(props)) {
      const include =
        required.has(name) || (this.options.random !== undefined && depth < 3 && this.rnd() < rate);
      if (include) out[name] = this.value(sub, depth + 1, variant);
    }
    for (const name of required) {
      if (!(name in out)) out[name] = this.value({}, depth + 1, variant);
    }
    const minProps = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
    for (const [name, sub] of Object.entries(props)) {
      if (Object.keys(out).length >= minProps) break;
      if (!(name in out)) out[name] = this.value(sub, depth + 1, variant);
    }
    for (let i = 0; Object.keys(out).length < minProps && schema.additionalProperties !== false; i++) {
      const extraSchema = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : {};
      out[`extra_${i}`] = this.value(extraSchema, depth + 1, variant);
    }
    return out;
  }
}
