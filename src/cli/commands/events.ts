import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { IGLU_VENDOR, placeholderVendorWarning } from '../../analyses/instrumentation/iglu-vendor.ts';
import { REGULATIONS } from '../../analyses/instrumentation/tracking-plan.ts';
import { asOfInstant } from '../../commands/shared/window/index.ts';
import { GtmError, usageError } from '../../errors/index.ts';
import type { WorkspaceConfig } from '../../workspace/workspace-config.ts';
import type { CliCommand, CliContext, FlagSpec } from '../command.ts';

const FORMATS = [
  'gtm-json',
  'gtm-yaml',
  'gtm-csv',
  'segment',
  'rudderstack',
  'amplitude',
  'iglu',
  'json-schema',
] as const;
const FORMAT_ALIASES: Record<string, string> = {
  jsonschema: 'json-schema',
  snowplow: 'iglu',
  json: 'gtm-json',
  yaml: 'gtm-yaml',
  csv: 'gtm-csv',
};
const formatFlag = (required: boolean): FlagSpec => ({
  name: 'format',
  type: 'string',
  placeholder: 'FORMAT',
  choices: [...FORMATS, ...Object.keys(FORMAT_ALIASES)],
  example: 'segment',
  description: `segment, rudderstack, amplitude, iglu, jsonschema, or gtm's own gtm-json / gtm-yaml / gtm-csv${required ? '' : ' (default: detected)'}`,
  required,
});
/** gtm's own plan formats, by the extension of the file they are written to. */
const PLAN_FILE = /\.(json|ya?ml|csv)$/i;
const planOutFlag: FlagSpec = {
  name: 'out',
  type: 'string',
  placeholder: 'FILE',
  example: 'plan.yaml',
  description: 'gtm plan to write: .json, .yaml or .csv (the extension picks the format)',
  required: true,
  check: (v: string) =>
    PLAN_FILE.test(v)
      ? undefined
      : `must end in .json, .yaml, .yml or .csv (the format to write), got "${v}"`,
};
const planFlag: FlagSpec = {
  name: 'plan',
  type: 'string',
  placeholder: 'FILE',
  description:
    'tracking plan (any supported format; a folder for iglu/json-schema); default: events.plan in gtm.yaml',
};
const abs = (ctx: CliContext, p: unknown) => path.resolve(ctx.cwd, String(p));

/** The workspace's `events` settings and folder, or null outside a workspace (no gtm.yaml). */
async function eventsSettings(
  ctx: CliContext,
): Promise<{ events: WorkspaceConfig['events']; baseDir: string } | null> {
  if (!existsSync(path.resolve(ctx.cwd, ctx.global.config ?? 'gtm.yaml'))) return null;
  const { loadWorkspace } = await import('../../workspace/index.ts');
  return loadWorkspace({ cwd: ctx.cwd, configPath: ctx.global.config, env: ctx.env });
}

/** `--plan`, else the workspace's current plan (`events.plan` in gtm.yaml, relative to it). */
async function planPath(ctx: CliContext, flag: unknown): Promise<string> {
  if (flag !== undefined) return abs(ctx, flag);
  const ws = await eventsSettings(ctx);
  if (ws?.events.plan) return path.resolve(ws.baseDir, ws.events.plan);
  throw usageError('is required', '--plan', 'add --plan FILE, or set events.plan in gtm.yaml');
}
const fmt = (v: unknown): string | undefined => {
  if (v === undefined) return undefined;
  const f = FORMAT_ALIASES[String(v).toLowerCase()] ?? String(v).toLowerCase();
  if (!(FORMATS as readonly string[]).includes(f))
    throw usageError(
      `unknown format "${String(v)}"`,
      '--format',
      `use one of: segment, rudderstack, amplitude, iglu, jsonschema, gtm-json, gtm-yaml, gtm-csv`,
    );
  return f;
};
/** The file extensions each single-file format is written with. */
const EXTENSIONS: Record<string, readonly string[]> = {
  'gtm-json': ['.json'],
  'gtm-yaml': ['.yaml', '.yml'],
  'gtm-csv': ['.csv'],
  segment: ['.json'],
  rudderstack: ['.yaml', '.yml'],
  amplitude: ['.csv'],
};
/** Refuses an output whose extension does not match the format written into it. */
function checkOutFor(format: string, out: string): void {
  const exts = EXTENSIONS[format];
  if (exts && !exts.some((e) => out.toLowerCase().endsWith(e)))
    throw usageError(
      `--format ${format} writes a ${exts.join(' or ')} file, got "${out}"`,
      '--out',
      `e.g. --out plan${exts[0]}`,
    );
  if (!exts && existsSync(out) && !statSync(out).isDirectory())
    throw usageError(
      `${format} writes a folder of schemas, and "${out}" is a file`,
      '--out',
      'give a folder (it is created when missing), e.g. --out schemas',
    );
}
/** Worker threads `events validate` may start. */
const MAX_WORKERS = 64;
const events = () => import('../../commands/events/index.ts');
/** gtm's own plan format for an output file, by its extension. */
const gtmFormatOf = (file: string) =>
  (file.endsWith('.yaml') || file.endsWith('.yml')
    ? 'gtm-yaml'
    : file.endsWith('.csv')
      ? 'gtm-csv'
      : 'gtm-json') as never;

export const eventsCommand: CliCommand = {
  name: 'events',
  summary:
    'Tracking plans: validate real payloads, live QA collector, import/export, diff, lint, codegen, infer',
  usage: 'gtm events validate|collect|import|export|diff|lint|codegen|infer …',
  flags: [],
  subcommands: [
    {
      name: 'validate',
      summary: 'Validate Segment-spec payloads (NDJSON files or a folder) against a plan',
      usage: 'gtm events validate --plan FILE --input FILE|DIR [--json]',
      flags: [
        planFlag,
        {
          name: 'input',
          type: 'string',
          placeholder: 'FILE|DIR',
          description: 'NDJSON (optionally .gz) file or folder of them',
          required: true,
        },
        {
          name: 'workers',
          type: 'integer',
          placeholder: 'N',
          min: 1,
          max: MAX_WORKERS,
          example: '4',
          description:
            "worker threads, at most the machine's cores (default: up to 4 cores for inputs of 32 MB or more, else 1)",
        },
        {
          name: 'fail_on_violations',
          type: 'boolean',
          description: 'exit 5 when any message violates the plan (for CI)',
        },
      ],
      async run(args, ctx) {
        const m = await events();
        ctx.out.progress('validating');
        const report = await m.validateEventsFile({
          plan: await planPath(ctx, args.flags.plan),
          input: abs(ctx, args.flags.input),
          workers: args.flags.workers as number | undefined,
          // timestamps after the check time (--as-of, else now) are future_timestamp violations
          now: ctx.global.asOf ? asOfInstant(ctx.global.asOf).getTime() : Date.now(),
          // consent manager ids read as the plan's categories (events.governance.consent.ids)
          governance: (await eventsSettings(ctx))?.events.governance,
        });
        const unmatched = m.consentIdsWarning(report);
        if (unmatched) ctx.out.warn(unmatched);
        ctx.out.result(report, () => m.formatValidationTable(report));
        return args.flags.fail_on_violations && report.totalViolations > 0 ? 5 : 0;
      },
    },
    {
      name: 'collect',
      summary:
        'Run a Segment HTTP Tracking API collector on loopback that validates and stores every message',
      usage: 'gtm events collect --plan FILE [--port 8787] [--write-key KEY] [--store DIR]',
      flags: [
        planFlag,
        {
          name: 'port',
          type: 'integer',
          placeholder: 'N',
          min: 0,
          max: 65535,
          example: '8787',
          description: 'port on 127.0.0.1 (0 = any free one)',
          default: 8787,
        },
        {
          name: 'write_key',
          type: 'string',
          placeholder: 'KEY',
          description: 'write key clients must send (HTTP Basic user)',
          default: 'gtm-qa',
          example: 'gtm-qa',
          // HTTP Basic splits user from password at the first colon: a key with one never matches.
          check: (v: string) =>
            /^[\x21-\x39\x3b-\x7e]+$/.test(v)
              ? undefined
              : 'must be printable ASCII without spaces or ":" (it is the HTTP Basic user name)',
        },
        {
          name: 'store',
          type: 'string',
          placeholder: 'DIR',
          description: 'durable message store',
          default: '.gtm/collector',
        },
        {
          name: 'host',
          type: 'string',
          placeholder: 'HOST',
          description: 'interface to bind',
          default: '127.0.0.1',
          example: '127.0.0.1',
          check: (v: string) =>
            /^[A-Za-z0-9.:-]+$/.test(v) ? undefined : 'must be a host name or IP address of this machine',
        },
      ],
      async run(args, ctx) {
        const m = await events();
        const c = await m.startCollector({
          plan: await planPath(ctx, args.flags.plan),
          port: Number(args.flags.port),
          writeKey: String(args.flags.write_key),
          storeDir: abs(ctx, args.flags.store),
          host: String(args.flags.host),
          governance: (await eventsSettings(ctx))?.events.governance,
        });
        ctx.out.error(
          `collector listening on ${c.url} (write key "${String(args.flags.write_key)}", ${c.restored} stored messages reloaded); GET ${c.url}/summary for violations; Ctrl-C to stop`,
        );
        await new Promise<void>((resolve) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
        const summary = c.summary();
        await c.close();
        const unmatched = m.consentIdsWarning(summary);
        if (unmatched) ctx.out.warn(unmatched);
        ctx.out.result(summary, () => m.formatValidationTable(summary));
        return 0;
      },
    },
    {
      name: 'import',
      summary: "Import a plan from a tool's format into gtm's format",
      usage: 'gtm events import --format segment|rudderstack|amplitude|iglu|jsonschema PATH --out FILE',
      flags: [
        formatFlag(false),
        planOutFlag,
        {
          name: 'name',
          type: 'string',
          placeholder: 'NAME',
          description: 'plan name for formats without one',
        },
      ],
      positionals: [
        { name: 'path', description: 'file, or folder for iglu / jsonschema / rudderstack', required: true },
      ],
      async run(args, ctx) {
        const m = await events();
        const source = abs(ctx, args.positionals[0]);
        const plan = m.importPlan({
          format: fmt(args.flags.format) as never,
          path: source,
          name: args.flags.name as string | undefined,
        });
        // Writing a plan of nothing would look like a successful import.
        if (plan.events.length === 0)
          throw new GtmError('INPUT', 'the plan has no events; nothing to import', {
            where: source,
            hint: 'check the path and --format (gtm events import --help lists the formats)',
          });
        const out = abs(ctx, args.flags.out);
        const target = gtmFormatOf(out);
        const files = await m.exportPlan({
          format: target,
          plan,
          out,
          now: new Date().toISOString(),
          source,
        });
        ctx.out.result(
          { plan: plan.name, version: plan.version, events: plan.events.length, files },
          () =>
            `Imported ${plan.events.length} ${plan.events.length === 1 ? 'event' : 'events'} of "${plan.name}" ${plan.version} → ${files.map((f) => path.relative(ctx.cwd, f)).join(', ')}`,
        );
        return 0;
      },
    },
    {
      name: 'export',
      summary: "Export a plan to a tool's format",
      usage:
        'gtm events export --format segment|rudderstack|amplitude|iglu|jsonschema --plan FILE --out PATH',
      flags: [
        formatFlag(true),
        planFlag,
        {
          name: 'out',
          type: 'string',
          placeholder: 'PATH',
          description: 'file, or folder for iglu / jsonschema',
          required: true,
        },
        {
          name: 'vendor',
          type: 'string',
          placeholder: 'VENDOR',
          example: 'com.acme',
          description:
            'Iglu vendor (reverse DNS) for events without one; default: events.iglu_vendor in gtm.yaml, else the placeholder com.example',
          check: (v: string) =>
            IGLU_VENDOR.test(v)
              ? undefined
              : 'must be a reverse-DNS name such as com.acme (letters, digits, _ and - between dots)',
        },
      ],
      async run(args, ctx) {
        const format = fmt(args.flags.format)!;
        const out = abs(ctx, args.flags.out);
        checkOutFor(format, out);
        if (args.flags.vendor !== undefined && format !== 'iglu')
          throw usageError(
            'only applies to --format iglu',
            '--vendor',
            `drop --vendor, or use --format iglu`,
          );
        const m = await events();
        const source = await planPath(ctx, args.flags.plan);
        const plan = m.importPlan({ path: source });
        // --vendor, else gtm.yaml's events.iglu_vendor, else the placeholder, said once when an event got it
        let vendor = args.flags.vendor as string | undefined;
        if (format === 'iglu' && vendor === undefined)
          vendor = (await eventsSettings(ctx))?.events.iglu_vendor;
        const files = await m.exportPlan({
          format: format as never,
          plan,
          out,
          vendor,
          now: new Date().toISOString(),
          source,
        });
        const unnamed =
          format === 'iglu' && vendor === undefined ? m.eventsWithoutIgluVendor(plan).length : 0;
        if (unnamed) ctx.out.warn(placeholderVendorWarning(unnamed, '--vendor VENDOR'));
        ctx.out.result(
          { files },
          () => `Wrote ${files.length} file(s): ${files.map((f) => path.relative(ctx.cwd, f)).join(', ')}`,
        );
        return 0;
      },
    },
    {
      name: 'diff',
      summary: 'Classify changes between two plan versions (SchemaVer), propose the bump, write a changelog',
      usage: 'gtm events diff OLD NEW [--changelog FILE]',
      flags: [
        {
          name: 'changelog',
          type: 'string',
          placeholder: 'FILE',
          description: 'write the Markdown changelog here',
        },
      ],
      positionals: [
        { name: 'old', description: 'the previous plan', required: true },
        { name: 'new', description: 'the new plan', required: true },
      ],
      async run(args, ctx) {
        const m = await events();
        const { diff, changelog } = m.diffPlanFiles({
          old: abs(ctx, args.positionals[0]),
          new: abs(ctx, args.positionals[1]),
        });
        if (args.flags.changelog) await m.writeTextFile(abs(ctx, args.flags.changelog), changelog);
        ctx.out.result(diff, () => m.formatDiffTable(diff));
        return 0;
      },
    },
    {
      name: 'lint',
      summary: 'Lint a plan: naming, descriptions, bounds, duplicates, consent, PII, retention, regulations',
      usage: 'gtm events lint --plan FILE [--constraints GDPR,CCPA] [--event-casing title|snake|camel|kebab]',
      flags: [
        planFlag,
        {
          name: 'constraints',
          type: 'list',
          placeholder: 'LIST',
          example: 'GDPR,CCPA',
          description: 'regulations to enforce: GDPR, CCPA, HIPAA, COPPA',
          check: (list: string[]) => {
            const bad = list.find((r) => !(REGULATIONS as readonly string[]).includes(r.toUpperCase()));
            return bad === undefined
              ? undefined
              : `unknown regulation "${bad}"; use any of: ${REGULATIONS.join(', ')}`;
          },
        },
        {
          name: 'event_casing',
          type: 'string',
          choices: ['title', 'snake', 'camel', 'kebab', 'pascal'],
          description: 'casing of event names (default title)',
        },
        {
          name: 'property_casing',
          type: 'string',
          choices: ['title', 'snake', 'camel', 'kebab', 'pascal'],
          description: 'casing of property names (default snake)',
        },
      ],
      async run(args, ctx) {
        const m = await events();
        const result = m.lintPlanFile({
          plan: await planPath(ctx, args.flags.plan),
          regulations: ((args.flags.constraints as string[] | undefined) ?? []).map((r) =>
            r.toUpperCase(),
          ) as never,
          eventCasing: args.flags.event_casing as never,
          propertyCasing: args.flags.property_casing as never,
        });
        ctx.out.result(result, () => m.formatLintTable(result));
        return result.errors > 0 ? 5 : 0;
      },
    },
    {
      name: 'codegen',
      summary: 'Write a typed TypeScript tracking module (a function per event)',
      usage: 'gtm events codegen --lang ts --plan FILE --out DIR [--runtime-validation]',
      flags: [
        {
          name: 'lang',
          type: 'string',
          choices: ['ts'],
          description: 'language (TypeScript)',
          default: 'ts',
        },
        planFlag,
        {
          name: 'out',
          type: 'string',
          placeholder: 'DIR',
          description: 'folder to write tracking.ts into',
          required: true,
        },
        {
          name: 'runtime_validation',
          type: 'boolean',
          description: 'check properties against the plan before sending',
        },
      ],
      async run(args, ctx) {
        const m = await events();
        const out = path.join(abs(ctx, args.flags.out), 'tracking.ts');
        await m.codegenFile({
          plan: await planPath(ctx, args.flags.plan),
          out,
          runtimeValidation: Boolean(args.flags.runtime_validation),
        });
        ctx.out.result({ file: out }, () => `Wrote ${path.relative(ctx.cwd, out)}`);
        return 0;
      },
    },
    {
      name: 'infer',
      summary: 'Draft a plan from observed payloads: events, property types, presence, enum candidates',
      usage: 'gtm events infer --input FILE|DIR --out FILE [--name NAME]',
      flags: [
        {
          name: 'input',
          type: 'string',
          placeholder: 'FILE|DIR',
          description: 'NDJSON payloads',
          required: true,
        },
        planOutFlag,
        { name: 'name', type: 'string', placeholder: 'NAME', description: 'plan name' },
      ],
      async run(args, ctx) {
        const m = await events();
        const result = await m.inferPlanFromFiles({
          input: abs(ctx, args.flags.input),
          name: args.flags.name as string | undefined,
        });
        const out = abs(ctx, args.flags.out);
        const target = gtmFormatOf(out);
        await m.exportPlan({ format: target, plan: result.plan, out, now: new Date().toISOString() });
        ctx.out.result(
          result,
          () => `${m.formatInferenceTable(result)}\nWrote ${path.relative(ctx.cwd, out)}`,
        );
        return 0;
      },
    },
  ],
};
