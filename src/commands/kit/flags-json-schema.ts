import type { FlagDecls, FlagSpec } from './flag-spec.ts';

/**
 * The JSON Schema (draft 2020-12) of a command's inputs, from its flag declarations: names, types,
 * choices, bounds, defaults and descriptions; a flag's aliases are properties of the same schema.
 * Agents (MCP tools) and editors use it.
 */
export function flagsJsonSchema(decls: FlagDecls): {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
} {
  const properties: Record<string, Record<string, unknown>> = {};
  const required: string[] = [];
  for (const [name, d] of Object.entries(decls)) {
    const p: Record<string, unknown> = { description: d.description };
    switch (d.type) {
      case 'boolean':
        p.type = 'boolean';
        break;
      case 'number':
        p.type = 'number';
        break;
      case 'integer':
        p.type = 'integer';
        break;
      case 'list':
        p.type = 'array';
        p.items = d.choices ? { type: 'string', enum: [...d.choices] } : { type: 'string', minLength: 1 };
        p.uniqueItems = true;
        break;
      case 'date':
        p.type = 'string';
        p.format = 'date';
        break;
      default:
        p.type = 'string';
        p.minLength = 1;
        if (d.choices) p.enum = [...d.choices];
        if (d.pattern) p.pattern = d.pattern;
    }
    if (d.min !== undefined) p.minimum = d.min;
    if (d.max !== undefined) p.maximum = d.max;
    if (d.default !== undefined) p.default = Array.isArray(d.default) ? [...d.default] : d.default;
    if (d.example) p.examples = [exampleValue(d.type, d.example)];
    properties[name] = p;
    for (const alias of d.aliases ?? [])
      properties[alias] = { ...p, description: `the same as ${name} (either name is accepted)` };
    if (d.required) required.push(name);
  }
  return { type: 'object', properties, required, additionalProperties: false };
}

/**
 * A flag's example (written for the command line: `"PLG Onboarding"`, `0.15`, `channel,partner-tier`)
 * as a value of the schema's type, so an agent copying it sends a valid argument: the string without
 * its shell quotes, a number, a list of strings.
 */
export function exampleValue(type: FlagSpec['type'], example: string): unknown {
  const unquoted = example.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');
  switch (type) {
    case 'number':
    case 'integer':
      return Number.isFinite(Number(unquoted)) ? Number(unquoted) : unquoted;
    case 'boolean':
      return unquoted === 'true' ? true : unquoted === 'false' ? false : unquoted;
    case 'list':
      return unquoted
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x);
    default:
      return unquoted;
  }
}
