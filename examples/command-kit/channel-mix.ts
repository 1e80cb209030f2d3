/**
 * A minimal gtm command built on the command kit (docs/adding-a-command.md walks through it):
 * `channel-mix` reads the workspace's touchpoints, counts touches per channel in a window, and
 * alerts when one channel holds more than a share of all touches. It is type-checked and run by
 * `test/unit/kit/channel-mix-example.test.ts`, so it stays true to the kit.
 */
import {
  defineFlags,
  runCommand,
  stageOf,
  type CommandDef,
  type CommandManifest,
  type SourceOutputs,
} from '../../src/commands/kit/index.ts';
import { resolveWindow, type ResolvedWindow } from '../../src/commands/shared/window/index.ts';
import { literal } from '../../src/data/index.ts';
import type { AlertRecord } from '../../src/orchestrator/index.ts';
import { dataQualitySection, toCsvTable } from '../../src/report/index.ts';

// 1. inputs.ts — the flags, declared once: parsing, validation, help, usage line, JSON Schema.
export const CHANNEL_MIX_FLAGS = defineFlags({
  window: { type: 'string', description: '7d, 30d or any Nd ending at as-of', default: '30d' },
  alert_threshold: {
    type: 'number',
    min: 0,
    max: 1,
    default: 0.5,
    description: 'largest share of touches one channel may hold',
  },
});

export const CHANNEL_MIX_COMMAND: CommandManifest<typeof CHANNEL_MIX_FLAGS> = {
  name: 'channel-mix',
  plugin: 'example-plugin',
  summary: 'Touches per channel in a window, with a concentration alert',
  flags: CHANNEL_MIX_FLAGS,
  examples: ['gtm channel-mix --window 30d'],
};

interface Inputs {
  window: ResolvedWindow;
  threshold: number;
}

// 2. plan.ts — typed stages: each reads the outputs it `needs` and returns its own.
interface Outputs extends SourceOutputs {
  count: { channel: string; touches: number }[];
}

const stage = stageOf<Outputs>();

// 3. result.ts — the machine contract.
export interface ChannelMixResult {
  window: ResolvedWindow;
  channels: { channel: string; touches: number; share: number }[];
  plan_path: string;
  alerts: AlertRecord[];
}

export const channelMix: CommandDef<typeof CHANNEL_MIX_FLAGS, Inputs, Outputs, ChannelMixResult> = {
  ...CHANNEL_MIX_COMMAND,
  workspace: 'required',
  // the kit gathers and normalizes these entities (stage `normalize`), with row accounting
  entities: ['touchpoints'],
  ladder: ['marketing_ops'],
  resolve: (flags, { asOf }) => ({
    window: resolveWindow(flags.window, asOf),
    threshold: flags.alert_threshold,
  }),
  plan: (run) => ({
    scope: 'all',
    objective: `Channel mix of touches (${run.inputs.window.label})`,
    complexity: 'low',
    strategy: 'pipeline',
    settings: { window: run.inputs.window.label, thresholds: { channel_share: run.inputs.threshold } },
    stages: [
      stage({
        id: 'count',
        name: 'Count touches per channel',
        owner: 'marketing_ops',
        purpose: 'Touches per channel in the window',
        needs: ['normalize'],
        run: async (ctx) => {
          const engine = await run.engine();
          const { start, end } = run.inputs.window;
          const rows = await engine.query<{ channel: string; touches: number }>(
            `SELECT channel, count(*) AS touches FROM touchpoints
             WHERE occurred_at >= ${literal(start)}::TIMESTAMP AND occurred_at < ${literal(end)}::TIMESTAMP
             GROUP BY channel ORDER BY touches DESC, channel`,
          );
          const counts = rows.map((r) => ({ channel: r.channel, touches: Number(r.touches) }));
          const total = counts.reduce((s, r) => s + r.touches, 0);
          ctx.alert({
            id: 'channel_concentration',
            metric: 'share of touches in the largest channel',
            value: total ? counts[0].touches / total : 0,
            threshold: run.inputs.threshold,
            direction: 'above',
            owner_role: 'marketing_ops',
          });
          return counts;
        },
      }),
    ],
    successCriteria: ['every touch row accounted for'],
    deliverables: ['result.json', 'summary.md', 'dashboard.html', 'channels.csv'],
    retryStrategy: 'data pulls retried with backoff',
    fallbackPlan: 'report the last good run',
  }),
  // 4. dashboard.ts and write-reports.ts — written once, after every stage, with the alerts.
  report: {
    after: ['count'],
    owner: 'marketing_ops',
    purpose: 'Channel table and dashboard',
    build: (run, o, closing) => {
      const total = o.count.reduce((s, r) => s + r.touches, 0);
      return {
        window: run.inputs.window,
        channels: o.count.map((r) => ({ ...r, share: total ? r.touches / total : 0 })),
        plan_path: closing.plan_path,
        alerts: closing.alerts,
      };
    },
    dashboard: (r) => ({
      title: 'Channel mix',
      generatedAt: r.window.end,
      runId: 'example',
      kpis: [{ label: 'Channels', value: r.channels.length, format: 'integer' }],
      sections: [
        {
          title: 'Touches by channel',
          summary: true,
          blocks: [
            {
              kind: 'table',
              title: 'Channels',
              columns: [
                { key: 'channel', label: 'Channel', format: 'text' },
                { key: 'touches', label: 'Touches', format: 'integer' },
                { key: 'share', label: 'Share', format: 'percent' },
              ],
              rows: r.channels,
            },
          ],
        },
        dataQualitySection({ alerts: r.alerts, planPath: r.plan_path }),
      ],
    }),
    files: (r) => [
      {
        name: 'channels.csv',
        content: toCsvTable(
          ['channel', 'touches', 'share'].map((key) => ({ key, label: key })),
          r.channels,
        ),
      },
    ],
  },
  // 5. format.ts — the terminal view.
  format: (r) => r.channels.map((c) => `${c.channel.padEnd(20)} ${c.touches}`).join('\n'),
};

// 6. index.ts — the library face.
export const runChannelMix = (flags: { window?: string; alert_threshold?: number }, options = {}) =>
  runCommand(channelMix, flags, options);
