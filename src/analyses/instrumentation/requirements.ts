import { duplicateKey } from './naming.ts';
import { libraryProperty } from './property-library.ts';
import type { LibraryPropertyName } from './property-library.ts';
import { createEvent, createPlan } from './tracking-plan.ts';
import type {
  ConsentMode,
  Identity,
  PlanEvent,
  PlanSource,
  Regulation,
  SourceKind,
  TrackingPlan,
} from './tracking-plan.ts';
import { USE_CASE_TEMPLATES } from './use-case-templates.ts';
import type { EventTemplate, KpiTemplate, TemplateProperty, UseCaseTemplate } from './use-case-templates.ts';

export interface KpiRequirement extends KpiTemplate {
  useCase: string;
  /** Source systems that emit the KPI's events. */
  sources: SourceKind[];
  identities: Identity[];
  /** False when `sources` was given and some KPI event has none of its sources available. */
  measurable: boolean;
  /** Events none of whose sources are available. */
  unavailableEvents: string[];
}

export interface EventRequirement extends EventTemplate {
  /** Use cases that need the event. */
  useCases: string[];
}

export interface Requirements {
  useCases: Array<Pick<UseCaseTemplate, 'id' | 'name' | 'description' | 'spec'>>;
  kpis: KpiRequirement[];
  events: EventRequirement[];
}

export interface RequirementOptions {
  /** Extra or replacement templates (same id replaces a built-in one). */
  templates?: UseCaseTemplate[];
  /** Source systems the team has; KPIs needing others are marked not measurable. */
  sources?: SourceKind[];
}

/** Ids and names of the use cases known, built-in and given. */
export function knownUseCases(templates: UseCaseTemplate[] = []): Array<{ id: string; name: string }> {
  return mergedTemplates(templates).map((t) => ({ id: t.id, name: t.name }));
}

function mergedTemplates(extra: UseCaseTemplate[]): UseCaseTemplate[] {
  const byId = new Map(USE_CASE_TEMPLATES.map((t) => [t.id, t]));
  for (const t of extra) byId.set(t.id, t);
  return [...byId.values()];
}

/**
 * Finds a use case by id or name, ignoring case and separators ("E-commerce funnel",
 * "ecommerce_funnel" and "ecommerce-funnel" all match).
 *
 * @throws Error listing the known use cases and how to add one.
 */
export function findUseCase(name: string, templates: UseCaseTemplate[] = []): UseCaseTemplate {
  const all = mergedTemplates(templates);
  const key = duplicateKey(name);
  const found = all.find((t) => duplicateKey(t.id) === key || duplicateKey(t.name) === key);
  if (found) return found;
  throw new Error(
    `Unknown use case "${name}". Known use cases: ${all.map((t) => `${t.id} (${t.name})`).join(', ')}. ` +
      'To add one, pass a UseCaseTemplate in `templates` (id, name, kpis, events; properties from PROPERTY_LIBRARY) ' +
      'or add it to USE_CASE_TEMPLATES in src/analyses/instrumentation/use-case-templates.ts.',
  );
}

/**
 * The requirements of a set of use cases: each KPI with the events, properties, identities and
 * source systems it needs, and the merged list of events (an event needed by several use cases
 * appears once, with the union of its properties, sources and identities).
 *
 * @example
 * const req = useCaseRequirements(['activation', 'trial conversion'], { sources: ['product', 'billing'] });
 * req.kpis.filter((k) => !k.measurable)
 */
export function useCaseRequirements(useCases: string[], options: RequirementOptions = {}): Requirements {
  const templates = useCases.map((u) => findUseCase(u, options.templates ?? []));
  const unique = [...new Map(templates.map((t) => [t.id, t])).values()];
  const available = options.sources ? new Set(options.sources) : undefined;
  const events = new Map<string, EventRequirement>();
  for (const t of unique) {
    for (const e of t.events) {
      const k = `${e.type ?? 'track'}\u0000${e.name}`;
      const prev = events.get(k);
      if (!prev) {
        events.set(k, {
          ...e,
          sources: [...e.sources],
          identities: [...e.identities],
          properties: [...e.properties],
          useCases: [t.id],
        });
        continue;
      }
      prev.useCases.push(t.id);
      prev.sources = union(prev.sources, e.sources);
      prev.identities = union(prev.identities, e.identities);
      prev.properties = mergeProperties(prev.properties, e.properties);
    }
  }
  const kpis: KpiRequirement[] = [];
  for (const t of unique) {
    for (const k of t.kpis) {
      const evs = k.events.map((name) => t.events.find((e) => e.name === name));
      const sources = union(...evs.map((e) => e?.sources ?? []));
      const identities = union(...evs.map((e) => e?.identities ?? []));
      const unavailableEvents = available
        ? k.events.filter((_, i) => !(evs[i]?.sources ?? []).some((s) => available.has(s)))
        : [];
      kpis.push({
        ...k,
        useCase: t.id,
        sources,
        identities,
        measurable: unavailableEvents.length === 0,
        unavailableEvents,
      });
    }
  }
  return {
    useCases: unique.map(({ id, name, description, spec }) => ({ id, name, description, spec })),
    kpis,
    events: [...events.values()],
  };
}

function union<T>(...lists: T[][]): T[] {
  return [...new Set(lists.flat())];
}

/** Union of template properties; a property required by one template is required. */
function mergeProperties(a: TemplateProperty[], b: TemplateProperty[]): TemplateProperty[] {
  const out = new Map<string, boolean>();
  for (const p of [...a, ...b]) {
    const name = p.replace(/\?$/, '');
    const required = !p.endsWith('?');
    out.set(name, (out.get(name) ?? false) || required);
  }
  return [...out].map(([name, required]) => (required ? name : `${name}?`) as TemplateProperty);
}

export interface DraftPlanOptions {
  name: string;
  version?: string;
  owner?: string;
  regulations?: Regulation[];
  /** Default: opt-in when GDPR applies, else opt-out. */
  consentMode?: ConsentMode;
  /** Keep only events that at least one of these source systems can send. */
  sources?: SourceKind[];
  /**
   * Consent category of events whose template names none (default `Analytics`); `null` leaves them
   * without one, for `applyGovernancePolicy` to decide and record.
   */
  defaultConsentCategory?: string | null;
}

const DEFAULT_LIBRARIES: Partial<Record<SourceKind, string[]>> = {
  web: ['analytics.js', 'analytics-next'],
  product: [
    'analytics-ios',
    'analytics-android',
    'analytics-swift',
    'analytics-kotlin',
    'analytics-react-native',
  ],
};

/**
 * A draft tracking plan from requirements: every required event with library properties,
 * identities, sources (one plan source per system), consent category (Analytics unless the
 * template says otherwise) and `planned` status. With COPPA an age-gate event is added.
 *
 * @example draftPlan(useCaseRequirements(['e-commerce funnel']), { name: 'Shop', regulations: ['GDPR'] })
 */
export function draftPlan(req: Requirements, options: DraftPlanOptions): TrackingPlan {
  const regulations = options.regulations ?? [];
  const fallback =
    options.defaultConsentCategory === undefined ? 'Analytics' : options.defaultConsentCategory;
  const keep = options.sources ? new Set(options.sources) : undefined;
  const events: PlanEvent[] = [];
  for (const e of req.events) {
    const sources = keep ? e.sources.filter((s) => keep.has(s)) : e.sources;
    if (sources.length === 0) continue;
    events.push(
      createEvent({
        name: e.name,
        type: e.type ?? 'track',
        description: e.description,
        identities: [...e.identities],
        sources,
        ...((e.consentCategory ?? fallback) ? { consentCategory: e.consentCategory ?? fallback ?? '' } : {}),
        // Traits are open-ended (the plan lists the known ones); event payloads are closed.
        additionalProperties: e.type === 'identify' || e.type === 'group',
        status: 'planned',
        properties: e.properties.map((p) =>
          libraryProperty(p.replace(/\?$/, '') as LibraryPropertyName, !p.endsWith('?')),
        ),
      }),
    );
  }
  if (regulations.includes('COPPA') && !events.some((e) => e.name === 'Age Gate Completed')) {
    events.unshift(
      createEvent({
        name: 'Age Gate Completed',
        description: 'The visitor answered the age gate; collection stops for children under 13.',
        identities: ['anonymousId'],
        sources: keep ? [...keep].filter((s) => s === 'web' || s === 'product') : ['web', 'product'],
        consentCategory: 'Functional',
        additionalProperties: false,
        properties: [libraryProperty('age_verified')],
      }),
    );
  }
  const kinds = union(...events.map((e) => e.sources)) as SourceKind[];
  const sources: PlanSource[] = kinds.map((kind) => ({
    id: kind,
    kind,
    ...(DEFAULT_LIBRARIES[kind] ? { libraries: [...DEFAULT_LIBRARIES[kind]!] } : {}),
  }));
  const consentCategories = union(
    fallback ? [fallback] : [],
    events
      .flatMap((e) => [e.consentCategory, ...e.properties.map((p) => p.consentCategory)])
      .filter((c): c is string => !!c),
  );
  return createPlan({
    name: options.name,
    description: `Draft for: ${req.useCases.map((u) => u.name).join(', ')}.`,
    version: options.version ?? '1-0-0',
    ...(options.owner ? { owner: options.owner } : {}),
    consentMode: options.consentMode ?? (regulations.includes('GDPR') ? 'opt-in' : 'opt-out'),
    consentCategories,
    regulations: [...regulations],
    sources,
    events,
  });
}
