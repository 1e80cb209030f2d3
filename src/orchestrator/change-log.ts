import type { ChangeLogEntry } from './plan-record.ts';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** JSON with sorted keys, so that key order never counts as a change. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `sources` + `crm` → `sources.crm`; `sources` + `orders.csv` → `sources["orders.csv"]`. */
export function fieldPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/**
 * Differences between two JSON values as change-log entries. Objects are compared key by key, down
 * to the leaves, so a new source reads `sources.web added` rather than `sources changed`; arrays
 * and scalars are leaves, compared by value (an array that changed is one `changed` entry). An
 * empty object added or removed is one entry at its own path.
 *
 * @example
 * diffSettings({ model: 'last-touch', thresholds: { roas: 1.5 } }, { model: 'linear', thresholds: {} });
 * // → [{ field: 'model', change: 'changed', from: 'last-touch', to: 'linear' },
 * //    { field: 'thresholds.roas', change: 'removed', from: 1.5, to: null }]
 */
export function diffSettings(from: unknown, to: unknown, path = ''): ChangeLogEntry[] {
  if (isPlainObject(from) && isPlainObject(to)) {
    const keys = [...Object.keys(from), ...Object.keys(to).filter((k) => !Object.hasOwn(from, k))];
    return keys.flatMap((key) => {
      const field = fieldPath(path, key);
      const inFrom = Object.hasOwn(from, key);
      const inTo = Object.hasOwn(to, key);
      if (inFrom && inTo) return diffSettings(from[key], to[key], field);
      return inTo ? addedOrRemoved('added', to[key], field) : addedOrRemoved('removed', from[key], field);
    });
  }
  if (canonicalJson(from) === canonicalJson(to)) return [];
  return [{ field: path || '(root)', change: 'changed', from: from ?? null, to: to ?? null }];
}

function addedOrRemoved(change: 'added' | 'removed', value: unknown, field: string): ChangeLogEntry[] {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    return Object.keys(value).flatMap((key) => addedOrRemoved(change, value[key], fieldPath(field, key)));
  }
  return [
    change === 'added' ? { field, change, from: null, to: value } : { field, change, from: value, to: null },
  ];
}

/**
 * The change log of a new plan: its settings against those of the previous plan of the same command
 * and scope, or a single `initial` entry when there is none. An empty log means nothing changed.
 *
 * @example
 * changeLog(null, { model: 'linear' }); // → [{ field: 'settings', change: 'initial', from: null, to: { model: 'linear' } }]
 */
export function changeLog(
  previous: { settings: Record<string, unknown> } | null,
  settings: Record<string, unknown>,
): ChangeLogEntry[] {
  if (!previous) return [{ field: 'settings', change: 'initial', from: null, to: settings }];
  return diffSettings(previous.settings, settings);
}
