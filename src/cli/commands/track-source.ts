import type { TrackSourceResult } from '../../commands/track-source/index.ts';
import { loadWorkspace } from '../../workspace/index.ts';
import type { CliCommand } from '../command.ts';
import { progressFromEvents } from '../progress.ts';

export const trackSourceCommand: CliCommand = {
  name: 'track-source',
  summary: 'Partner co-marketing attribution: pipeline and revenue by partner and channel vs targets',
  usage:
    'gtm track-source --campaign NAME [--window 30d|7d|Nd|campaign] [--detail summary|full] [--dimensions partner,channel,asset,region] [--attribution-model MODEL|compare]',
  flags: [
    {
      name: 'campaign',
      type: 'string',
      placeholder: 'NAME',
      description: 'campaign id or name (campaigns: in gtm.yaml)',
      required: true,
    },
    {
      name: 'window',
      type: 'string',
      placeholder: 'WINDOW',
      description:
        '7d, 30d, any Nd ending at as-of, or campaign (from its start to its end or as-of, whichever is first)',
      default: '30d',
    },
    {
      name: 'detail',
      type: 'string',
      choices: ['summary', 'full'],
      description: 'length of summary.md and the terminal view',
      default: 'summary',
    },
    {
      name: 'dimensions',
      type: 'list',
      placeholder: 'LIST',
      choices: ['partner', 'channel', 'asset', 'region'],
      description: 'breakdowns (partner and channel are always computed)',
    },
    {
      name: 'attribution_model',
      type: 'string',
      placeholder: 'MODEL',
      description:
        'first-touch, last-touch, multi-touch/linear, time-decay, position-based, w-shaped, full-path, j-shaped, inverse-j, markov, shapley, fractribution, or compare',
    },
    {
      name: 'alert_threshold',
      type: 'number',
      placeholder: '0..1',
      description: 'attribution confidence guardrail (share of pipeline with a matched touch)',
    },
    { name: 'fail_on_escalation', type: 'boolean', description: 'exit 10 when an alert escalates' },
  ],
  examples: [
    `gtm track-source --campaign "AI Launch Tour" --window 30d --detail full`,
    `gtm run '/partner-co-marketing-orchestration:track-source --campaign "AI Launch Tour" --window 30d --detail full'`,
    `gtm track-source --campaign ai-launch-tour --attribution_model compare --dimensions asset,region --json`,
  ],
  async run(args, ctx) {
    const ws = loadWorkspace({ cwd: ctx.cwd, configPath: ctx.global.config, env: ctx.env });
    const today = new Date().toISOString().slice(0, 10);
    const { runTrackSource } = await import('../../commands/track-source/index.ts');
    const { formatTrackSource } = await import('./format-track-source.ts');
    const run = await runTrackSource({
      ws,
      flags: { ...args.flags, as_of: ctx.global.asOf },
      today,
      env: ctx.env,
      onEvent: progressFromEvents(ctx.out),
    });
    ctx.out.done();
    if (run.result.campaign.window_share === 0)
      ctx.out.warn(
        `the ${run.result.window.label} window to ${run.result.as_of} does not overlap campaign "${run.result.campaign.name}" (${run.result.campaign.start} to ${run.result.campaign.end}); check --window and --as-of`,
      );
    ctx.out.result(run.result, () =>
      formatTrackSource(run.result as TrackSourceResult, run.result.inputs.detail),
    );
    for (const p of run.problems) ctx.out.error(p.oneLine());
    if (run.problems.length) return run.problems[0].exitCode;
    if (args.flags.fail_on_escalation && run.record.escalations.length) return 10;
    return 0;
  },
};
