/**
 * The agent plugin marketplace (agent-plugins/) is what the generator writes from the commands'
 * manifests, every manifest is valid against the schema written from its format's documentation
 * (test/fixtures/agent-plugin-schemas/README.md), every plugin command's usage line parses
 * with `gtm run`, and each lists every flag of its command.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { pluginFiles } from '../../../src/cli/agent-plugins/plugin-files.ts';
import { commandFromUsage, parseArgs, tokenize } from '../../../src/cli/parse-args.ts';
import { COMMANDS } from '../../../src/cli/registry.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const schema = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/agent-plugin-schemas', name), 'utf8'));
const files = pluginFiles();
const ajv = new Ajv({ strict: false, allErrors: true });

describe('agent plugins', () => {
  it('are up to date with the commands (npx tsx scripts/agent-plugins.ts regenerates them)', () => {
    for (const f of files)
      expect(readFileSync(path.join(ROOT, 'agent-plugins', f.path), 'utf8'), f.path).toBe(f.content);
  });

  it('list one plugin per plan command, named as the specifications name them', () => {
    const market = JSON.parse(files.find((f) => f.path === '.claude-plugin/marketplace.json')!.content);
    expect(market.plugins.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['partner-co-marketing-orchestration', 'analytics-pipeline-orchestration']),
    );
    expect(market.plugins.length).toBe(COMMANDS.filter((c) => c.kit).length);
  });

  it('validate against their formats’ schemas', () => {
    const check = (name: string, doc: unknown, what: string) => {
      const validate = ajv.compile(schema(name));
      expect(validate(doc), `${what}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    for (const f of files) {
      if (f.path.endsWith('marketplace.json'))
        check('marketplace.schema.json', JSON.parse(f.content), f.path);
      else if (f.path.endsWith('plugin.json')) check('plugin.schema.json', JSON.parse(f.content), f.path);
      else if (f.path.endsWith('.mcp.json')) check('mcp.schema.json', JSON.parse(f.content), f.path);
    }
  });

  it('keep the specification frontmatter, and their usage lines parse with gtm run', () => {
    const commands = files.filter((f) => f.path.includes('/commands/'));
    expect(commands.length).toBe(COMMANDS.filter((c) => c.kit).length);
    for (const f of commands) {
      const fm = parseYaml(/^---\n([\s\S]*?)\n---/.exec(f.content)![1]) as Record<string, string>;
      expect(Object.keys(fm)).toEqual(expect.arrayContaining(['name', 'description', 'usage']));
      const [first, ...rest] = tokenize(fm.usage);
      const name = commandFromUsage(first, COMMANDS);
      expect(first, f.path).toMatch(new RegExp(`^/[a-z-]+:${name}$`));
      const cmd = COMMANDS.find((c) => c.name === name)!;
      expect(() => parseArgs(rest, cmd.flags), fm.usage).not.toThrow();
      expect(f.content).toContain(`gtm run '/${cmd.plugin}:${name} $ARGUMENTS' --json`);
    }
  });

  it('list the flags the command takes, all of them: its help’s usage line and flags', () => {
    // they left out --fail-on-escalation and --snapshot, which `gtm run` takes, under "All flags"
    for (const cmd of COMMANDS.filter((c) => c.kit)) {
      const f = files.find((x) => x.path === `${cmd.plugin}/commands/${cmd.name}.md`)!;
      const fm = parseYaml(/^---\n([\s\S]*?)\n---/.exec(f.content)![1]) as Record<string, string>;
      expect(fm['argument-hint'], f.path).toBe(cmd.usage.replace(`gtm ${cmd.name} `, ''));
      expect(f.content, f.path).toContain(`All flags: \`${cmd.usage.replace('gtm ', `/${cmd.plugin}:`)}\``);
      const listed = [...f.content.matchAll(/^- `--([a-z-]+)`/gm)].map((m) => m[1]);
      const flags = cmd.flags.filter((x) => !x.hidden).map((x) => x.name.replace(/_/g, '-'));
      expect(listed, f.path).toEqual(flags);
    }
  });

  it('never pre-approve nor ask for npx: the npm name is not this project’s yet, npx would fetch whoever holds it', () => {
    for (const f of files.filter((x) => x.path.endsWith('.md'))) {
      const front = parseYaml(f.content.split('---')[1]) as { 'allowed-tools': string };
      expect(front['allowed-tools'], f.path).toBe('Bash(gtm:*), Read');
      expect(f.content.match(/`npx [^`]*`/g), f.path).toBeNull();
    }
  });
});
