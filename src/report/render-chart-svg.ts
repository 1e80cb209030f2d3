import type * as Vega from 'vega';
import type * as VegaLite from 'vega-lite';
import { GtmError } from '../errors/index.ts';
import { CHART_HEIGHT, CHART_WIDTH } from './chart-theme.ts';
import { sanitizeSvg } from './sanitize-svg.ts';

export interface RenderChartOptions {
  /** Prefix of the ids inside the SVG; unique per chart on a page. Default `chart`. */
  idPrefix?: string;
  /** Where the chart is, for error messages (e.g. the block title). */
  where?: string;
}

export interface RenderedChart {
  svg: string;
  /** Vega-Lite and Vega warnings, e.g. a field that is missing from the data. */
  warnings: string[];
}

type AnyObject = Record<string, unknown>;

/** Vega's loader is the only way a spec reaches the network or the disk; this one refuses both. */
function offlineLoader(vega: typeof Vega): Vega.Loader {
  const loader = vega.loader();
  const refuse = (uri: unknown) => Promise.reject(new Error(`external resource refused: ${String(uri)}`));
  Object.assign(loader, {
    load: refuse,
    file: refuse,
    http: refuse,
    // Links (the `href` channel) resolve to nothing; sanitizeSvg removes the empty wrappers.
    sanitize: () => Promise.resolve({ href: null }),
  });
  return loader;
}

function collectingLogger(warnings: string[], errors: string[], warnLevel: number): Vega.LoggerInterface {
  let level = warnLevel;
  const text = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : String(a))).join(' ');
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as Vega.LoggerInterface;
}

/** Paths of `data.url` anywhere in the spec (layers, concat, facets, lookups). */
function externalData(node: unknown, path = 'spec', found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => externalData(n, `${path}[${i}]`, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'values' && path.endsWith('data')) continue; // inline rows may hold anything
      if (k === 'url' && typeof v === 'string' && /(^|\.)(data|from)$/.test(path)) found.push(`${path}.url`);
      externalData(v, `${path}.${k}`, found);
    }
  }
  return found;
}

const isComposite = (spec: AnyObject) =>
  ['hconcat', 'vconcat', 'concat', 'facet', 'repeat'].some((k) => k in spec) ||
  (spec.encoding as AnyObject | undefined)?.row !== undefined ||
  (spec.encoding as AnyObject | undefined)?.column !== undefined ||
  (spec.encoding as AnyObject | undefined)?.facet !== undefined;

let loading: Promise<[typeof Vega, typeof VegaLite]> | undefined;

/** Vega and Vega-Lite, loaded once, with the first chart. */
function chartModules(): Promise<[typeof Vega, typeof VegaLite]> {
  // a failed load is not kept: the next chart tries again, as each chart did before
  loading ??= Promise.all([import('vega'), import('vega-lite')]).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/**
 * Renders a Vega-Lite spec to a static, deterministic SVG string, offline: the spec must carry its
 * data inline (`data.values`); URLs are refused. Single and layered views without a size get
 * `CHART_WIDTH` × `CHART_HEIGHT`. The SVG is passed through `sanitizeSvg` (stable ids, no links
 * or images, rounded geometry).
 *
 * @throws GtmError `INTERNAL` when the spec loads external data or Vega cannot render it.
 * @example
 * const { svg } = await renderChartSvg(barChart({ title: 'Leads', data, x: 'source', y: 'leads' }),
 *                                      { idPrefix: 'chart-1' });
 */
export async function renderChartSvg(spec: object, options: RenderChartOptions = {}): Promise<RenderedChart> {
  const where = options.where;
  const input = JSON.parse(JSON.stringify(spec)) as AnyObject;
  const urls = externalData(input);
  if (urls.length > 0) {
    throw new GtmError('INTERNAL', `chart spec loads external data (${urls.join(', ')})`, {
      where,
      hint: 'put the rows in data.values: reports are rendered offline',
    });
  }
  if (!isComposite(input)) {
    input.width ??= CHART_WIDTH;
    input.height ??= CHART_HEIGHT;
  }
  const warnings: string[] = [];
  const errors: string[] = [];
  const [vega, vl] = await chartModules();
  const logger = collectingLogger(warnings, errors, vega.Warn);
  let view: Vega.View | undefined;
  try {
    const compiled = vl.compile(input as unknown as VegaLite.TopLevelSpec, { logger }).spec;
    view = new vega.View(vega.parse(compiled), { renderer: 'none', loader: offlineLoader(vega), logger });
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(errors.join('; '));
    return { svg: sanitizeSvg(svg, options.idPrefix ?? 'chart'), warnings };
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new GtmError('INTERNAL', `chart could not be rendered: ${message}`, {
      where,
      hint: 'check the Vega-Lite spec (fields, types, encodings) in the chart helper that built it',
      cause,
    });
  } finally {
    view?.finalize();
  }
}
