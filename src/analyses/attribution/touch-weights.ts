import { directNameSet } from './direct-channels.ts';
import { AttributionInputError } from './attribution-input-error.ts';
import { isRuleModel, resolveModelName, type RuleModelName } from './model-names.ts';
import type { ModelOptions, PathRecord, PositionWeights } from './types.ts';

const DAY_MS = 86_400_000;

/** Rule-model parameters resolved from options once, not per path. */
export interface RuleParams {
  position: [number, number, number];
  jShaped: [number, number, number];
  inverseJ: [number, number, number];
  custom: [number, number, number] | Float64Array | null;
  /** Shares of first, lead, opportunity, rest. */
  wShaped: [number, number, number, number];
  /** Shares of first, lead, opportunity, closed-won, rest. */
  fullPath: [number, number, number, number, number];
  halfLifeMs: number;
  halfLifeSteps: number;
}

/**
 * Where one journey's touches live, so the weight functions can read timestamps, roles and direct
 * flags from the prepared typed arrays without copying. Reused across rows.
 */
export interface TouchContext {
  /** Token of touch i is `tokens[tokenOffset + i]`. */
  tokens: ArrayLike<number>;
  tokenOffset: number;
  tokenDirect: ArrayLike<number>;
  /** Timestamp of touch i is `times[timeOffset + i]`; timeOffset < 0 when there are none. */
  times: ArrayLike<number> | null;
  timeOffset: number;
  /** NaN when unknown. */
  convertedAt: number;
  lead: number;
  opportunity: number;
  closedWon: number;
}

/** Whether a rule model's weights depend on the path length alone (so they can be cached per length). */
export function weightsDependOnLengthOnly(model: RuleModelName, ctx: TouchContext): boolean {
  switch (model) {
    case 'last-non-direct':
      return false;
    case 'time-decay':
      return ctx.times === null || ctx.timeOffset < 0;
    case 'w-shaped':
    case 'full-path':
      return ctx.lead < 0 && ctx.opportunity < 0 && ctx.closedWon < 0;
    default:
      return true;
  }
}

/** Validates and resolves the rule-model options. */
export function resolveRuleParams(options: ModelOptions = {}): RuleParams {
  const halfLifeDays = options.halfLifeDays ?? 7;
  const halfLifeSteps = options.halfLifeSteps ?? 1;
  if (!(halfLifeDays > 0) || !Number.isFinite(halfLifeDays)) {
    throw new AttributionInputError(`halfLifeDays must be a positive number, got ${String(halfLifeDays)}`, {
      option: 'halfLifeDays',
    });
  }
  if (!(halfLifeSteps > 0) || !Number.isFinite(halfLifeSteps)) {
    throw new AttributionInputError(`halfLifeSteps must be a positive number, got ${String(halfLifeSteps)}`, {
      option: 'halfLifeSteps',
    });
  }
  let custom: RuleParams['custom'] = null;
  if (Array.isArray(options.customWeights)) {
    const arr = options.customWeights;
    if (arr.length === 0 || arr.some((x) => !(x >= 0) || !Number.isFinite(x))) {
      throw new AttributionInputError('customWeights must be a non-empty list of numbers ≥ 0', {
        option: 'customWeights',
      });
    }
    custom = Float64Array.from(arr);
  } else if (options.customWeights) {
    custom = positional(options.customWeights, 'customWeights');
  }
  const w = options.wShapedWeights ?? { first: 0.3, lead: 0.3, opportunity: 0.3, rest: 0.1 };
  const z = options.fullPathWeights ?? {
    first: 0.225,
    lead: 0.225,
    opportunity: 0.225,
    closedWon: 0.225,
    rest: 0.1,
  };
  const wShaped: RuleParams['wShaped'] = [w.first, w.lead, w.opportunity, w.rest];
  const fullPath: RuleParams['fullPath'] = [z.first, z.lead, z.opportunity, z.closedWon, z.rest];
  for (const [name, shares] of [
    ['wShapedWeights', wShaped],
    ['fullPathWeights', fullPath],
  ] as const) {
    if (shares.some((x) => !(x >= 0) || !Number.isFinite(x)) || shares.reduce((a, b) => a + b, 0) <= 0) {
      throw new AttributionInputError(`${name} must be numbers ≥ 0 with a positive sum`, { option: name });
    }
  }
  return {
    position: positional(options.positionWeights ?? { first: 0.4, last: 0.4 }, 'positionWeights'),
    jShaped: positional(options.jShapedWeights ?? { first: 0.2, last: 0.6 }, 'jShapedWeights'),
    inverseJ: positional(options.inverseJWeights ?? { first: 0.6, last: 0.2 }, 'inverseJWeights'),
    custom,
    wShaped,
    fullPath,
    halfLifeMs: halfLifeDays * DAY_MS,
    halfLifeSteps,
  };
}

function positional(w: PositionWeights, option: string): [number, number, number] {
  const middle = w.middle ?? 1 - w.first - w.last;
  const all = [w.first, middle, w.last];
  if (all.some((x) => !(x >= -1e-12) || !Number.isFinite(x)) || w.first + middle + w.last <= 0) {
    throw new AttributionInputError(
      `${option} must be first/middle/last weights ≥ 0 (middle defaults to 1 − first − last), got ${JSON.stringify(w)}`,
      { option },
    );
  }
  return [w.first, Math.max(0, middle), w.last];
}

/**
 * Fills `out[0..len)` with the per-touch weights of a rule model; they sum to 1.
 * Documented behaviours:
 * - position-based, J-shaped, inverse-J, custom first/middle/last: a 1-touch path gets 100%, a
 *   2-touch path splits first:last in proportion (40/40 → 50/50), longer paths give each middle
 *   touch middle/(n−2); weights are normalised when they do not sum to 1;
 * - custom weight array: `w[i]` is the relative weight of touch i from the first, touches beyond the
 *   array take its last entry, then normalised (all zero → linear);
 * - time-decay: weight 2^(−(convertedAt − t)/halfLife) with timestamps (the last touch stands in for
 *   a missing convertedAt; touches after the conversion count as age 0); without timestamps it falls
 *   back to recency in steps, 2^(−stepsBeforeLast/halfLifeSteps);
 * - W-shaped / full-path: the milestone touches (first, lead, opportunity[, closed-won]) get their
 *   shares and `rest` is spread evenly over the other touches. When milestones coincide on one touch,
 *   that touch gets the sum of their shares; a missing milestone's share is redistributed over the
 *   present milestones in proportion to their shares; when no other touch exists `rest` goes to the
 *   milestones in proportion too.
 */
export function fillRuleWeights(
  model: RuleModelName,
  len: number,
  out: Float64Array,
  p: RuleParams,
  ctx: TouchContext,
): void {
  out.fill(0, 0, len);
  if (len === 1) {
    out[0] = 1;
    return;
  }
  switch (model) {
    case 'first-touch':
      out[0] = 1;
      return;
    case 'last-touch':
      out[len - 1] = 1;
      return;
    case 'last-non-direct': {
      let i = len - 1;
      while (i > 0 && ctx.tokenDirect[ctx.tokens[ctx.tokenOffset + i]] === 1) i--;
      // i = 0 here means either the first touch is the last non-direct one or all are direct;
      // in the latter case the last touch takes the credit.
      if (i === 0 && ctx.tokenDirect[ctx.tokens[ctx.tokenOffset]] === 1) i = len - 1;
      out[i] = 1;
      return;
    }
    case 'linear':
      out.fill(1 / len, 0, len);
      return;
    case 'position-based':
      return fillPositional(len, out, p.position);
    case 'j-shaped':
      return fillPositional(len, out, p.jShaped);
    case 'inverse-j':
      return fillPositional(len, out, p.inverseJ);
    case 'custom': {
      if (p.custom === null) {
        throw new AttributionInputError('the custom model needs its weights (first, middle, last touch)', {
          option: 'customWeights',
          hint: 'e.g. --custom-weights 0.4,0.2,0.4 (library: customWeights { first, middle, last } or per-touch weights)',
        });
      }
      if (!(p.custom instanceof Float64Array)) return fillPositional(len, out, p.custom);
      const w = p.custom;
      for (let i = 0; i < len; i++) out[i] = w[Math.min(i, w.length - 1)];
      return normalise(out, len);
    }
    case 'time-decay': {
      if (ctx.times !== null && ctx.timeOffset >= 0) {
        const t0 = ctx.timeOffset;
        let ref = ctx.convertedAt;
        if (Number.isNaN(ref)) {
          ref = -Infinity;
          for (let i = 0; i < len; i++) ref = Math.max(ref, ctx.times[t0 + i]);
        }
        // Relative to the youngest touch so that very old journeys do not underflow to all zeros.
        let youngest = Infinity;
        for (let i = 0; i < len; i++) youngest = Math.min(youngest, Math.max(0, ref - ctx.times[t0 + i]));
        for (let i = 0; i < len; i++) {
          out[i] = Math.pow(2, -(Math.max(0, ref - ctx.times[t0 + i]) - youngest) / p.halfLifeMs);
        }
      } else {
        for (let i = 0; i < len; i++) out[i] = Math.pow(2, -(len - 1 - i) / p.halfLifeSteps);
      }
      return normalise(out, len);
    }
    case 'w-shaped':
      return fillMilestones(len, out, [0, ctx.lead, ctx.opportunity], p.wShaped);
    case 'full-path':
      return fillMilestones(len, out, [0, ctx.lead, ctx.opportunity, ctx.closedWon], p.fullPath);
  }
}

function fillPositional(
  len: number,
  out: Float64Array,
  [first, middle, last]: [number, number, number],
): void {
  if (len === 2) {
    const s = first + last;
    out[0] = s > 0 ? first / s : 0.5;
    out[1] = s > 0 ? last / s : 0.5;
    return;
  }
  out[0] = first;
  out[len - 1] = last;
  const each = middle / (len - 2);
  for (let i = 1; i < len - 1; i++) out[i] = each;
  normalise(out, len);
}

function fillMilestones(len: number, out: Float64Array, positions: number[], shares: number[]): void {
  const rest = shares[shares.length - 1];
  let present = 0;
  let missing = 0;
  for (let k = 0; k < positions.length; k++) {
    if (positions[k] >= 0) present += shares[k];
    else missing += shares[k];
  }
  if (present > 0) {
    const scale = (present + missing) / present;
    for (let k = 0; k < positions.length; k++) if (positions[k] >= 0) out[positions[k]] += shares[k] * scale;
  }
  let others = 0;
  for (let i = 0; i < len; i++) if (!positions.includes(i)) others++;
  if (others > 0) {
    for (let i = 0; i < len; i++) if (!positions.includes(i)) out[i] += rest / others;
  }
  normalise(out, len);
}

function normalise(out: Float64Array, len: number): void {
  let s = 0;
  for (let i = 0; i < len; i++) s += out[i];
  if (s > 0) {
    for (let i = 0; i < len; i++) out[i] /= s;
  } else {
    out.fill(1 / len, 0, len);
  }
}

/**
 * Per-touch weights (summing to 1) of a rule-based model for one journey, so a caller can aggregate
 * credit by several dimensions of the touches at once (channel, partner, campaign…).
 *
 * @example
 * touchWeights({ path: ['email', 'ads', 'direct', 'web'] }, 'u-shaped'); // [0.4, 0.1, 0.1, 0.4]
 * touchWeights({ path: ['email', 'direct'] }, 'last-non-direct'); // [1, 0]
 */
export function touchWeights(
  journey: Pick<PathRecord, 'path' | 'timestamps' | 'convertedAt' | 'roles'>,
  model: string,
  options: ModelOptions & { directChannels?: string[] } = {},
): number[] {
  const name = resolveModelName(model);
  if (name === 'compare' || !isRuleModel(name)) {
    throw new Error(
      `touchWeights covers rule-based models only; "${model}" is data-driven and has no per-touch rule`,
    );
  }
  const len = journey.path.length;
  if (len === 0) return [];
  if (journey.timestamps && journey.timestamps.length !== len) {
    throw new AttributionInputError(`${journey.timestamps.length} timestamps for ${len} touches`, {
      hint: 'give one timestamp per touch, or none',
    });
  }
  const direct = directNameSet(options.directChannels);
  const roleAt = (i: number | undefined): number => (i !== undefined && i >= 0 && i < len ? i : -1);
  const out = new Float64Array(len);
  fillRuleWeights(name, len, out, resolveRuleParams(options), {
    tokens: Int32Array.from({ length: len }, (_, i) => i),
    tokenOffset: 0,
    tokenDirect: Uint8Array.from(journey.path, (c) => (direct.has(c.toLowerCase()) ? 1 : 0)),
    times: journey.timestamps ? Float64Array.from(journey.timestamps) : null,
    timeOffset: journey.timestamps ? 0 : -1,
    convertedAt: journey.convertedAt ?? NaN,
    lead: roleAt(journey.roles?.lead),
    opportunity: roleAt(journey.roles?.opportunity),
    closedWon: roleAt(journey.roles?.closedWon),
  });
  return Array.from(out);
}

/**
 * The weights of a path's touches as `fillRuleWeights` gives them, for models run path after path:
 * cached per path length when they depend on the length alone (`lengthOnly`, from
 * `weightsDependOnLengthOnly`), else written into one reused buffer, valid until the next call.
 */
export function ruleWeightsOf(
  model: RuleModelName,
  params: RuleParams,
): (len: number, ctx: TouchContext, lengthOnly: boolean) => Float64Array {
  const byLength = new Map<number, Float64Array>();
  let scratch = new Float64Array(64);
  return (len, ctx, lengthOnly) => {
    if (lengthOnly) {
      let cached = byLength.get(len);
      if (!cached) {
        cached = new Float64Array(len);
        fillRuleWeights(model, len, cached, params, ctx);
        byLength.set(len, cached);
      }
      return cached;
    }
    if (scratch.length < len) scratch = new Float64Array(len * 2);
    fillRuleWeights(model, len, scratch, params, ctx);
    return scratch;
  };
}
