import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadWorkspace } from '../../workspace/index.ts';
import type { CliCommand } from '../command.ts';
import { progressFromEvents } from '../progress.ts';

export const defineEventsCommand: CliCommand = {
  name: 'define-events',
  summary: 'Instrumentation spec and tracking plan: requirements, catalog, governance, QA, change management',
  usage:
    'gtm define-events --use-case "pipeline velocity" --sources product,crm --tools Segment,dbt [--constraints GDPR,CCPA] [--timeline DATE] [--payloads FILE|DIR]',
  flags: [
    {
      name: 'use_case',
      type: 'list',
      placeholder: 'NAME',
      description:
        'business question or KPI family: pipeline velocity, activation, trial conversion, attribution, referral program, loyalty program, personalization, e-commerce funnel',
      required: true,
    },
    {
      name: 'sources',
      type: 'list',
      placeholder: 'LIST',
      description: 'source systems: product, web, mobile, server, crm, map, billing',
    },
    {
      name: 'tools',
      type: 'list',
      placeholder: 'LIST',
      description:
        'instrumentation stack: Segment, RudderStack, Amplitude, Snowplow, Mixpanel, Avo, dbt, warehouses',
    },
    {
      name: 'constraints',
      type: 'list',
      placeholder: 'LIST',
      description: 'legal/compliance: GDPR, CCPA, HIPAA, COPPA (others are noted)',
    },
    {
      name: 'timeline',
      type: 'string',
      placeholder: 'DATE',
      description: 'delivery date (YYYY-MM-DD) for the rollout plan',
    },
    {
      name: 'payloads',
      type: 'string',
      placeholder: 'PATH',
      description:
        'captured Segment-spec payloads (NDJSON file or folder) to validate as QA evidence (default: events.payloads in gtm.yaml)',
    },
    {
      name: 'alert_threshold',
      type: 'number',
      placeholder: '0..1',
      description:
        'guardrail on the share of captured messages with violations (default thresholds.instrumentation_defect_rate or 0.02)',
    },
  ],
  examples: [
    `gtm run '/analytics-pipeline-orchestration:define-events --use_case "pipeline velocity" --sources "product,crm" --tools "Segment,dbt"'`,
    'gtm define-events --use-case activation --sources product,web --tools Amplitude --constraints GDPR --timeline 2026-12-15',
  ],
  async run(args, ctx) {
    const { runDefineEvents } = await import('../../commands/define-events/run-define-events.ts');
    const { formatDefineEvents } = await import('./format-define-events.ts');
    const cfg = path.resolve(ctx.cwd, ctx.global.config ?? 'gtm.yaml');
    const ws = existsSync(cfg)
      ? loadWorkspace({ cwd: ctx.cwd, configPath: ctx.global.config, env: ctx.env })
      : null;
    const baseDir = ws?.baseDir ?? ctx.cwd;
    const payloadsFlag = args.flags.payloads as string | undefined;
    const payloads = payloadsFlag
      ? path.resolve(ctx.cwd, payloadsFlag)
      : ws?.events?.payloads
        ? path.resolve(baseDir, ws.events.payloads)
        : null;
    const { result } = await runDefineEvents({
      flags: { ...args.flags, as_of: ctx.global.asOf },
      today: new Date().toISOString().slice(0, 10),
      ctx: {
        baseDir,
        reportsDir: ws?.output.reports_dir ?? 'reports',
        plansDir: ws?.output.plans_dir ?? '.claude/plans',
        roster: ws?.roster ?? { roles: {} },
        ladder: ws?.escalation['define-events'] ?? [
          'analytics_data_strategist',
          'data_engineering_lead',
          'revops',
        ],
        payloads,
        defectThreshold:
          (args.flags.alert_threshold as number | undefined) ??
          ws?.thresholds.instrumentation_defect_rate ??
          0.02,
      },
      onEvent: progressFromEvents(ctx.out),
    });
    ctx.out.done();
    ctx.out.result(result, () => formatDefineEvents(result));
    return 0;
  },
};
