/**
 * The MCP tools' `window` argument says in its schema which values the command takes: 7d, 30d, 90d,
 * any Nd from 1d to 3660d, and the command's own word (track-source's campaign, monitor-loyalty's
 * quarter). It was any non-empty string, so an agent (or a client validating arguments against the
 * schema) learned only from the description that "monthly" or "0d" would be refused.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { toolCatalog } from '../../../src/cli/mcp/tool-catalog.ts';
import { COMMANDS } from '../../../src/cli/registry.ts';
import { resolveWindow } from '../../../src/commands/shared/window/index.ts';

const KEYWORDS: Record<string, string[]> = {
  'track-source': ['campaign'],
  'optimize-referrals': [],
  'monitor-loyalty': ['quarter'],
  'monitor-personalization': [],
};
const CAMPAIGN = { start: '2026-09-01', end: '2026-12-31' };

/** Whether the command's own window parsing takes the value. */
function resolves(value: string, keywords: string[]): boolean {
  try {
    resolveWindow(value, '2026-11-15', { keywords, campaign: CAMPAIGN });
    return true;
  } catch {
    return false;
  }
}

describe('MCP tools: the window argument', () => {
  const tools = toolCatalog(COMMANDS);
  const ajv = new Ajv2020({ strict: true });

  for (const [name, keywords] of Object.entries(KEYWORDS)) {
    it(`${name}: the schema takes exactly the canonical windows the command resolves`, () => {
      const tool = tools.find((t) => t.name === name)!;
      const prop = tool.inputSchema.properties.window;
      expect(prop.pattern, name).toEqual(expect.any(String));
      const valid = ajv.compile(prop);
      const values = [
        ...Array.from({ length: 4000 }, (_, n) => `${n}d`),
        '7d',
        '30d',
        '90d',
        'campaign',
        'quarter',
        'month',
        'monthly',
        'fortnight',
        '30',
        'd',
        '-7d',
        '1.5d',
        '30days',
        '1w',
        '',
      ];
      const disagree = values.filter((v) => valid(v) !== resolves(v, keywords));
      expect(disagree, name).toEqual([]);
      expect(valid('90d') && valid('3660d') && !valid('3661d') && !valid('0d') && !valid('fortnight')).toBe(
        true,
      );
      for (const k of ['campaign', 'quarter']) expect(valid(k), `${name} ${k}`).toBe(keywords.includes(k));
      // the default and the example are valid values
      expect(valid(prop.default), name).toBe(true);
      for (const ex of (prop.examples as unknown[]) ?? []) expect(valid(ex), name).toBe(true);
    });
  }
});
