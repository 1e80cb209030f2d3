/**
 * Each plan command's MCP tool takes the command's flags, by the names the command line accepts
 * (snake_case, aliases too), plus `as_of`: the same arguments as `gtm <command> --help` lists, the
 * same required ones. `fail_on_escalation` was missing (the plugins tell the agent to call the tool
 * "with the same arguments" as the slash command, which takes --fail-on-escalation).
 */
import { describe, expect, it } from 'vitest';
import { toolCatalog } from '../../../src/cli/mcp/tool-catalog.ts';
import { COMMANDS } from '../../../src/cli/registry.ts';

describe('MCP plan tools', () => {
  const tools = toolCatalog(COMMANDS);
  for (const cmd of COMMANDS.filter((c) => c.kit)) {
    it(`${cmd.name}: its arguments are the command's flags and as_of`, () => {
      const tool = tools.find((t) => t.name === cmd.name)!;
      const flags = cmd.flags.filter((f) => !f.hidden);
      const names = flags.flatMap((f) => [f.name, ...(f.aliases ?? [])]);
      expect(Object.keys(tool.inputSchema.properties).sort()).toEqual([...names, 'as_of'].sort());
      expect(tool.inputSchema.required.sort()).toEqual(
        flags
          .filter((f) => f.required)
          .map((f) => f.name)
          .sort(),
      );
      for (const f of flags) {
        const type = tool.inputSchema.properties[f.name].type;
        expect(type, f.name).toBe(
          { boolean: 'boolean', number: 'number', integer: 'integer', list: 'array' }[f.type as string] ??
            'string',
        );
      }
    });
  }
});
