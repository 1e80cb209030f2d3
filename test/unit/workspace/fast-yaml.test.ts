import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { GTM_YAML_TEMPLATE } from '../../../src/commands/init/gtm-yaml-template.ts';
import { demoConfigYaml } from '../../../src/demo/demo-config.ts';
import { fastYaml } from '../../../src/workspace/fast-yaml.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** What the exact parser makes of a text: its value, or that it rejects it. */
function exact(text: string): { ok: true; value: unknown } | { ok: false } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) return { ok: false };
  try {
    return { ok: true, value: doc.toJS() };
  } catch {
    return { ok: false };
  }
}

/** The quick parse either declines or gives exactly what the exact parser gives. */
function expectAgreement(text: string, label: string): boolean {
  const fast = fastYaml(text);
  if (fast === undefined) return false;
  const e = exact(text);
  expect(e.ok, `${label}: accepted quickly but the exact parser rejects it`).toBe(true);
  if (e.ok) expect(fast, label).toEqual(e.value);
  return true;
}

function gtmYamlOfBadInputCases(): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name === 'case.json') {
        const c = JSON.parse(readFileSync(p, 'utf8')) as { files?: Record<string, unknown> };
        for (const [file, text] of Object.entries(c.files ?? {}))
          if (/\.ya?ml$/.test(file) && typeof text === 'string')
            out.push({ label: path.relative(root, p), text });
      }
    }
  };
  walk(path.join(root, 'test/fixtures/bad-inputs'));
  return out;
}

describe('fastYaml', () => {
  it('parses the configs gtm writes itself, exactly as the exact parser does', () => {
    const demo = demoConfigYaml({ seed: 7, asOf: '2026-11-15' });
    for (const [label, text] of [
      ['demo gtm.yaml', demo],
      ['gtm init template', GTM_YAML_TEMPLATE],
      ['tiny workspace', readFileSync(path.join(root, 'test/fixtures/tiny-workspace/gtm.yaml'), 'utf8')],
    ])
      expect(expectAgreement(text, label), `${label} takes the quick path`).toBe(true);
  });

  it('declines or agrees on every gtm.yaml of the bad-input corpus', () => {
    const cases = gtmYamlOfBadInputCases();
    expect(cases.length).toBeGreaterThanOrEqual(3);
    for (const c of cases) expectAgreement(c.text, c.label);
    // the alias bomb never reaches the quick parser
    expect(fastYaml(cases.find((c) => c.label.includes('alias-bomb'))!.text)).toBeUndefined();
  });

  it('declines or agrees on every scalar spelling, in block, list and flow position', () => {
    const scalars = [
      '1',
      '-0',
      '+1',
      '017',
      '0o17',
      '0x1F',
      '0X1F',
      '0b101',
      '1_000',
      '1e3',
      '1E-2',
      '.5',
      '1.',
      '-.5e+3',
      '.inf',
      '-.Inf',
      '+.INF',
      '.NaN',
      '.nan',
      'true',
      'True',
      'TRUE',
      'tRue',
      'false',
      'yes',
      'No',
      'on',
      'off',
      'y',
      '~',
      'null',
      'Null',
      'NULL',
      '',
      '2026-11-15',
      '2026-11-15T10:00:00Z',
      '12:30',
      '1:30:00',
      '"quoted # not a comment"',
      "'it''s'",
      '"\\u00e9\\t"',
      'a b c',
      'http://x.example/a?b=1&c=2',
      '"*.example.com"',
      'value # comment',
      '@handle',
      '`tick`',
      '|-\n  block\n  text',
      '>\n  folded\n  text',
      '[a, b]',
      '{a: 1}',
      '[]',
      '{}',
      '"multi\n  line"',
      'plain\n  continued',
      '9007199254740993',
      '-9223372036854775808',
      '1.7976931348623157e309',
    ];
    let quick = 0;
    for (const v of scalars) {
      for (const text of [
        `key: ${v}\n`,
        `list:\n  - ${v}\n  - x\n`,
        `flow: [${v.includes('\n') ? 'x' : v}]\n`,
      ])
        if (expectAgreement(text, JSON.stringify(text))) quick++;
    }
    expect(quick).toBeGreaterThan(scalars.length);
  });

  it('declines or agrees on flow collections over several lines and on block scalars', () => {
    let quick = 0;
    for (const text of [
      'm: { a: 1, b: two,\n     c: [x, y] }\nn: 2\n',
      'm: { a: 1,\n  b: 2 }\n',
      'm: { a: 1,\nb: 2 }\n',
      'l:\n  - [a,\n    b]\n  - c\n',
      'l:\n  - [a,\n  b]\n',
      "m: { a: \"x, y\",\n  b: 'it''s' } # done\n",
      'm: { a: "x\n  y" }\n',
      'm: [a] b\n',
      'm: [a]]\n',
      'm: [a, # c\n  b]\n',
      's: |\n  line one\n    deeper\n\n  # not a comment\nt: 1\n',
      's: >-\n  folded\n  text\nt: [1, 2]\n',
      'k: a # c\n"q k": 1\n\'s k\': 2\n- x\n',
      'a:\n  - b: 1\n    c: 2\n  - - d\n    - e\n',
    ])
      if (expectAgreement(text, JSON.stringify(text))) quick++;
    expect(quick).toBeGreaterThan(6);
  });

  it('declines what the exact parser rejects or expands under its own limits', () => {
    for (const text of [
      'a: 1\na: 2\n', // duplicate key
      'a:\n  b: 1\n c: 2\n', // bad indentation
      'a: &x [1]\nb: *x\n', // aliases
      'a: !!str 1\n', // tag
      '%YAML 1.1\n---\na: yes\n', // directive
      'a: 1\n---\nb: 2\n', // two documents
      'a:\n\t- 1\n', // tab
      '? [a]\n: 1\n', // complex key
    ])
      expect(fastYaml(text), JSON.stringify(text)).toBeUndefined();
  });
});
