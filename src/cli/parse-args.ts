import { usageError } from '../errors/index.ts';
import type { FlagSpec, FlagValues, ParsedArgs, PositionalSpec } from './command.ts';

import { coerceFlag, type FlagValue } from '../commands/kit/check-flag-value.ts';
import { canonicalFlag as canonical, specsByName } from '../commands/kit/flag-spec.ts';
import { completeFlags, suggestFlag as suggest } from '../commands/kit/resolve-flag-object.ts';
import { editDistance as distance } from '../analyses/text/index.ts';

export { distance };

/**
 * Parses argv against flag specs. Accepts `--snake_case`, `--kebab-case`, `--flag=value`,
 * `--flag value`, `--no-flag` for booleans, and comma-separated or repeated list flags.
 *
 * @example
 * parseArgs(['--attribution-model', 'markov'], [{ name: 'attribution_model', type: 'string', description: '' }], [])
 * // { flags: { attribution_model: 'markov' }, positionals: [] }
 */
export function parseArgs(
  argv: string[],
  specs: FlagSpec[],
  positionalSpecs: PositionalSpec[] = [],
): ParsedArgs {
  const byName = specsByName(specs);
  const flags: FlagValues = {};
  const given = new Set<string>();
  /** Each flag as first typed (`--alert-threshold` or `--alert_threshold`), without `--no-`. */
  const typed = new Map<string, string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg)) {
        if (arg === '-h') {
          flags.help = true;
          continue;
        }
        throw usageError(`unknown option ${arg}`, arg, 'options are long: --name value (see --help)');
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const rawName = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    let name = canonical(rawName);
    let negated = false;
    if (!byName.has(name) && name.startsWith('no_') && byName.get(name.slice(3))?.type === 'boolean') {
      name = name.slice(3);
      negated = true;
    }
    const spec = byName.get(name);
    const shown = `--${rawName}`;
    if (!spec)
      throw usageError(
        `unknown flag ${shown}`,
        shown,
        `${suggest(rawName, specs)}run with --help to list the flags`,
      );
    name = spec.name; // an alias (`--dimensions` for `--dimension`) is the flag it stands for
    let value: FlagValue;
    if (spec.type === 'boolean') {
      value = eq > 0 ? coerceFlag(spec, arg.slice(eq + 1), shown) : !negated;
    } else {
      let raw: string | undefined;
      if (eq > 0) raw = arg.slice(eq + 1);
      else if (i + 1 < argv.length && !(argv[i + 1].startsWith('--') && argv[i + 1].length > 2))
        raw = argv[++i];
      if (raw === undefined)
        throw usageError(`needs a value`, shown, `write ${shown} ${spec.placeholder ?? 'VALUE'}`);
      value = coerceFlag(spec, raw, shown);
    }
    if (given.has(name) && spec.type !== 'list' && flags[name] !== value) {
      // Last-wins would silently run with one of the two values typed; an identical repeat is
      // harmless (one value either way). List flags append (`--dimensions a --dimensions b` = a,b).
      const base = `--${negated ? rawName.slice(3) : rawName}`;
      const first = typed.get(name) ?? base;
      const show = (v: FlagValue, flag: string) =>
        spec.type === 'boolean'
          ? v
            ? flag
            : `--no-${flag.slice(2)}`
          : `${flag} ${JSON.stringify(String(v))}`;
      throw usageError(
        `given twice with different values: ${show(flags[name] as FlagValue, first)}, then ${show(value, base)}`,
        base,
        `give ${first} once, with the value you mean`,
      );
    }
    given.add(name);
    if (!typed.has(name)) typed.set(name, `--${negated ? rawName.slice(3) : rawName}`);
    if (spec.type === 'list') {
      flags[name] = [...new Set([...((flags[name] as string[] | undefined) ?? []), ...(value as string[])])];
    } else {
      flags[name] = value;
    }
  }
  if (!flags.help) {
    completeFlags(flags as Record<string, FlagValue | undefined>, specs, given);
    const required = positionalSpecs.filter((p) => p.required);
    if (positionals.length < required.length) {
      const missing = required[positionals.length];
      throw usageError(
        `missing argument ${missing.name.toUpperCase()}`,
        missing.name.toUpperCase(),
        missing.description,
      );
    }
    const variadic = positionalSpecs.some((p) => p.variadic);
    if (!variadic && positionals.length > positionalSpecs.length)
      throw usageError(
        `unexpected argument "${positionals[positionalSpecs.length]}"`,
        positionals[positionalSpecs.length],
        'quote values that contain spaces; see --help',
      );
  }
  return { flags, positionals };
}

/**
 * Splits a usage line the way a POSIX shell would for quotes and backslashes (no expansion).
 * @example tokenize(`track-source --campaign "AI Launch Tour"`) // ['track-source', '--campaign', 'AI Launch Tour']
 */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote) throw usageError(`unterminated ${quote} quote in the usage line`, 'run', 'close the quote');
  if (inToken) out.push(cur);
  return out;
}

/**
 * `/partner-co-marketing-orchestration:track-source` → `track-source`; plain names pass through. A
 * plugin prefix must be the one that publishes the command.
 */
export function commandFromUsage(
  word: string,
  commands: readonly { name: string; plugin?: string }[] = [],
): string {
  const m = /^\/?(?:([a-z0-9-]+):)?([a-z0-9_-]+)$/i.exec(word);
  if (!m) return word;
  const [, plugin, command] = m;
  const expected = commands.find((c) => c.name === command.toLowerCase())?.plugin;
  if (plugin && expected && plugin.toLowerCase() !== expected)
    throw usageError(
      `${command} belongs to the ${expected} plugin, not ${plugin}`,
      word,
      `write /${expected}:${command}`,
    );
  return command;
}
