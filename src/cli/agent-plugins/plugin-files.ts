import { flagSpecs, kebab } from '../../commands/kit/flag-spec.ts';
import { usageLine } from '../../commands/kit/usage-line.ts';
import { DEMO_USAGE_LINES } from '../commands/demo.ts';
import { KIT_CLI_FLAGS } from '../kit-command.ts';
import { COMMANDS } from '../registry.ts';

/**
 * The folder the plugins' `gtm mcp` serves: the project the agent opened. Claude Code expands
 * `${VAR:-default}` in a plugin's .mcp.json args; CLAUDE_PROJECT_DIR is the project root, and
 * without it `.` is the folder Claude Code starts the server in (where it was launched).
 */
export const MCP_WORKSPACE_ARG = '${CLAUDE_PROJECT_DIR:-.}';

/** What each command's specification lists as its outputs: what the agent must present. */
const OUTPUTS: Record<string, string[]> = {
  'track-source': [
    'the attribution dashboard by partner and source (dashboard.html, dashboard.png)',
    'revenue and pipeline contribution vs targets, per partner',
    'the optimization actions with their owners',
    'the plan JSON (stages, owners, alerts, escalations, change log)',
  ],
  'define-events': [
    'the instrumentation spec (summary.md) and the tracking plan files (JSON, YAML, CSV and the tool formats)',
    'governance: naming, consent and retention, with the lint findings',
    'the QA checklist and evidence plan, with the payload validation results',
    'change management: version, changelog, approvals and rollout',
    'the plan JSON',
  ],
  'optimize-referrals': [
    'the performance dashboard with annotated insights (funnel, incentive efficiency, partners)',
    'the fraud and risk summary: rules that fired, risk bands, rings, value held',
    'the optimization backlog with owners, ETA and projected lift',
    'the plan JSON',
  ],
  'monitor-loyalty': [
    'the dashboard with KPI trends and drill-downs (tier mix and migration, liability, segments)',
    'the risk and opportunity list, each item with its data points and owner',
    'experiment readouts with next-test suggestions',
    'the plan JSON',
  ],
  'monitor-personalization': [
    'the dashboard by profile, channel and variant against the holdout',
    'the governance checklist with violations and pending approvals',
    'the experiment memo with next steps and rollout guidance, and the anomalies found',
    'the plan JSON',
  ],
};

export interface PluginFile {
  path: string;
  content: string;
}

const json = (x: unknown) => `${JSON.stringify(x, null, 2)}\n`;
const yamlString = (s: string) => JSON.stringify(s);

function commandMarkdown(
  name: string,
  plugin: string,
  summary: string,
  usage: string,
  flagsText: string,
): string {
  const line = DEMO_USAGE_LINES[name];
  return `---
name: ${name}
description: ${yamlString(summary)}
usage: ${yamlString(line ?? usage.replace(/^gtm /, `/${plugin}:`))}
argument-hint: ${yamlString(usage.replace(/^gtm \S+ /, ''))}
allowed-tools: Bash(gtm:*), Read
---

Run gtm's \`${name}\` on the user's data and report what it computed. gtm does the analysis; you
present it. Never compute, estimate or round a number yourself, and never invent an owner, a date
or a recommendation: quote what gtm wrote.

1. In the workspace folder (the one with \`gtm.yaml\`; ask if there is none, or suggest
   \`gtm demo\` to try it), run:

   \`\`\`sh
   gtm run '/${plugin}:${name} $ARGUMENTS' --json
   \`\`\`

   When \`gtm\` is not on the PATH, ask the user to run \`npm install -g .\` (or \`npm link\`) in
   their clone of gtm; do not run it through \`npx\`: this project has not published its npm
   package, so npx would download and run whatever package holds that name. If the gtm MCP server
   is connected, call its \`${name}\` tool with the same arguments instead.
2. If gtm exits non-zero, show its one error line (\`error[CODE] where: what — what to do\`) and
   the fix it names; do not work around it. Exit 10 (asked for with \`--fail-on-escalation\`) is
   not an error: an alert escalated, and stdout is still \`result.json\`; say so and go on.
3. Otherwise stdout is \`result.json\`. Present, from it and the files it names (\`reports_dir\`):
${(OUTPUTS[name] ?? []).map((o) => `   - ${o}`).join('\n')}
   Quote gtm's numbers with their units and currency, and each action's owner as gtm resolved it
   (including a fallback owner and why). Point to \`dashboard.html\` and the plan JSON
   (\`plan_path\`) so every number can be traced.
4. Alerts: report every alert that \`breached\`, and every escalation (who was escalated to and why).

Flags (all optional unless marked required):

${flagsText}

All flags: \`${usage.replace(/^gtm /, `/${plugin}:`)}\`
`;
}

/** Every file of agent-plugins/, generated from the commands' manifests. */
export function pluginFiles(): PluginFile[] {
  const kit = COMMANDS.filter((c) => c.kit);
  const files: PluginFile[] = [];
  for (const cmd of kit) {
    const { manifest } = cmd.kit!;
    // the command's own flags and those the CLI adds to every plan command (--fail-on-escalation,
    // --snapshot): `gtm run` takes them all, so the list and the usage line say them all
    const specs = [...flagSpecs(manifest.flags), ...KIT_CLI_FLAGS];
    const flagsText = specs
      .map(
        (s) =>
          `- \`--${kebab(s.name)}\`${s.required ? ' (required)' : ''}: ${s.description}${s.default !== undefined ? ` (default ${String(s.default)})` : ''}`,
      )
      .join('\n');
    const dir = manifest.plugin;
    files.push(
      {
        path: `${dir}/.claude-plugin/plugin.json`,
        content: json({
          name: manifest.plugin,
          version: '0.1.0',
          description: `${manifest.summary} — computed by gtm (gtm-analytics), every run an auditable plan.`,
          author: { name: 'gtm contributors' },
          license: 'Apache-2.0',
          keywords: ['gtm', 'analytics', manifest.name],
        }),
      },
      {
        path: `${dir}/commands/${manifest.name}.md`,
        content: commandMarkdown(
          manifest.name,
          manifest.plugin,
          manifest.summary,
          usageLine(`gtm ${manifest.name}`, specs),
          flagsText,
        ),
      },
      {
        path: `${dir}/.mcp.json`,
        // the server serves the project folder the agent opened, and only it (file arguments are
        // confined to it): Claude Code expands ${CLAUDE_PROJECT_DIR:-.} to the project root, or to
        // `.`, the folder it starts plugin servers in (where it was launched)
        content: json({
          mcpServers: { gtm: { command: 'gtm', args: ['mcp', '--workspace', MCP_WORKSPACE_ARG] } },
        }),
      },
    );
  }
  files.push({
    path: '.claude-plugin/marketplace.json',
    content: json({
      name: 'gtm-analytics',
      owner: { name: 'gtm contributors' },
      metadata: {
        description:
          'Go-to-market analytics commands backed by gtm: every number computed, every run audited.',
        version: '0.1.0',
      },
      plugins: kit.map((c) => ({
        name: c.kit!.manifest.plugin,
        source: `./${c.kit!.manifest.plugin}`,
        description: c.kit!.manifest.summary,
        version: '0.1.0',
        category: 'analytics',
      })),
    }),
  });
  return files;
}
