/**
 * `--dimension` (monitor-personalization, as its spec spells it) and `--dimensions` (track-source,
 * optimize-referrals, monitor-loyalty) are each accepted by all four commands: on the command line,
 * in a library call or tool call (resolveFlagObject) and in the tools' JSON Schemas, with the same
 * checks of the values. The other spelling was `unknown flag --dimensions — did you mean --dimension?`.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { parseArgs } from '../../../src/cli/parse-args.ts';
import { COMMANDS } from '../../../src/cli/registry.ts';
import { flagsJsonSchema, resolveFlagObject } from '../../../src/commands/kit/index.ts';
import type { FlagDecls } from '../../../src/commands/kit/flag-spec.ts';
import { GtmError } from '../../../src/errors/index.ts';

const CASES = [
  { command: 'monitor-personalization', name: 'dimension', alias: 'dimensions', value: 'cohort' },
  { command: 'track-source', name: 'dimensions', alias: 'dimension', value: 'asset' },
  { command: 'optimize-referrals', name: 'dimensions', alias: 'dimension', value: 'persona' },
  { command: 'monitor-loyalty', name: 'dimensions', alias: 'dimension', value: 'region' },
] as const;

const cmd = (name: string) => COMMANDS.find((c) => c.name === name)!;
const decls = (name: string) => cmd(name).kit!.manifest.flags as FlagDecls;

function usageLine(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(GtmError);
    expect((e as GtmError).code).toBe('USAGE');
    return (e as GtmError).oneLine();
  }
  throw new Error('expected a usage error');
}

async function help(command: string): Promise<string> {
  let text = '';
  const sink = { write: (s: string) => ((text += s), true), isTTY: false } as unknown as NodeJS.WriteStream;
  expect(await main([command, '--help'], { streams: { stdout: sink, stderr: sink } })).toBe(0);
  return text;
}

describe.each(CASES)('$command: --$name and --$alias', ({ command, name, alias, value }) => {
  const specs = () => cmd(command).flags;

  it('parses either spelling to the same flag, and joins them', () => {
    const req = command === 'track-source' ? ['--campaign', 'x'] : [];
    const a = parseArgs([...req, `--${name}`, value], specs()).flags;
    const b = parseArgs([...req, `--${alias}`, value], specs()).flags;
    expect(b).toEqual(a);
    expect(a[name]).toEqual([value]);
    const both = parseArgs([...req, `--${alias}=${value}`, `--${name}`, 'channel'], specs()).flags;
    expect(both[name]).toEqual([value, 'channel']);
    expect(both[alias]).toBeUndefined();
  });

  it('checks the values given under the alias, naming the flag as typed', () => {
    const line = usageLine(() => parseArgs([`--${alias}`, 'bogus'], specs()));
    expect(line).toMatch(new RegExp(`^error\\[USAGE\\] --${alias}: has unknown value "bogus"; allowed: `));
  });

  it('takes either key in a library or tool call', () => {
    const base = command === 'track-source' ? { campaign: 'x' } : {};
    const r = resolveFlagObject(decls(command), { ...base, [alias]: [value] }) as Record<string, unknown>;
    expect(r[name]).toEqual([value]);
    expect(r[alias]).toBeUndefined();
    const both = resolveFlagObject(decls(command), { ...base, [alias]: [value], [name]: ['channel'] });
    expect((both as Record<string, unknown>)[name]).toEqual([value, 'channel']);
    expect(usageLine(() => resolveFlagObject(decls(command), { ...base, [alias]: ['bogus'] }))).toMatch(
      new RegExp(`^error\\[USAGE\\] --${alias}: has unknown value "bogus"; allowed: `),
    );
  });

  it('declares the alias in the JSON Schema with the same items, and in --help', async () => {
    const { properties } = flagsJsonSchema(decls(command));
    expect(properties[alias].items).toEqual(properties[name].items);
    expect(properties[alias].type).toBe('array');
    expect(properties[alias].description).toBe(`the same as ${name} (either name is accepted)`);
    expect(await help(command)).toMatch(new RegExp(`--${name} .*\\(or --${alias}\\)`));
  });
});
