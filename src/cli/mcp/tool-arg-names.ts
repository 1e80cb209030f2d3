import { exampleValue } from '../../commands/kit/flags-json-schema.ts';
import type { FlagType } from '../../commands/kit/flag-spec.ts';

/** The JSON Schema type of a tool argument as the flag type its example is read with. */
const FLAG_TYPE: Record<string, FlagType> = {
  array: 'list',
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
};

/** What the command line's "see --help" says to an agent. */
const SEE_SCHEMA = "see the tool's input schema (tools/list)";
const HELP_HINTS = [
  /run the command with --help to see its flags/g,
  /run with --help to list the flags/g,
  /see --help/g,
];

/** A value as an agent would send it: `0.05`, `["profile","channel"]`, `"PLG Onboarding"`. */
function argValue(type: string | undefined, raw: string): string | undefined {
  if (/^[A-Z][A-Z|.…,]*$/.test(raw) || /^\d*\.\.\d*$/.test(raw)) return undefined; // NAME, FILE, 0..1
  if (type === 'boolean' && !/^(true|false)$/.test(raw)) return undefined;
  return JSON.stringify(exampleValue(FLAG_TYPE[type ?? ''] ?? 'string', raw));
}

/**
 * A gtm error line in the terms of the MCP tool it came through: the command line's flags
 * (`--alert-threshold`, `--no-snapshot`, the flag an error points at) become the tool's argument
 * names (`alert_threshold`, `snapshot: false`), an example value `e.g. --window 14d` becomes
 * `e.g. window: "14d"`, and "see --help" points at the tool's input schema. Other text (a value
 * quoted from the input, another command's flags) is left as it is.
 *
 * @example
 * inToolTerms('error[USAGE] --alert-threshold: must be between 0 and 1, got 2 — e.g. --alert-threshold 0.05', schema)
 * // 'error[USAGE] alert_threshold: must be between 0 and 1, got 2 — e.g. alert_threshold: 0.05'
 */
export function inToolTerms(
  line: string,
  schema: { properties: Record<string, Record<string, unknown>> },
): string {
  const arg = (flag: string) => flag.replace(/-/g, '_').toLowerCase();
  const where = /^error\[\w+\] --([A-Za-z][\w-]*):/.exec(line)?.[1];
  const known = (name: string) => name in schema.properties || name === (where && arg(where));
  let out = line.replace(
    /^(error\[\w+\] )--([A-Za-z][\w-]*):/,
    (_, head: string, f: string) => `${head}${arg(f)}:`,
  );
  out = out.replace(
    /\b(e\.g\.|write|add) --([A-Za-z][\w-]*)[ =]("[^"]*"|[^\s;,—]+(?:,[^\s;,—]+)*)/g,
    (m, verb: string, f: string, raw: string) => {
      if (!known(arg(f))) return m;
      const value = argValue(schema.properties[arg(f)]?.type as string | undefined, raw);
      return value === undefined ? `${verb} ${arg(f)}` : `${verb} ${arg(f)}: ${value}`;
    },
  );
  out = out.replace(/(?<!["\w-])--no-([A-Za-z][\w-]*)\b/g, (m, f: string) =>
    schema.properties[arg(f)]?.type === 'boolean' ? `${arg(f)}: false` : m,
  );
  // not inside a quoted value ("--window" as the input wrote it)
  out = out.replace(/(?<!["\w-])--([A-Za-z][\w-]*)\b/g, (m, f: string) => (known(arg(f)) ? arg(f) : m));
  out = out.replace(/\bunknown flag\b/g, 'unknown argument');
  for (const h of HELP_HINTS) out = out.replace(h, SEE_SCHEMA);
  return out;
}
