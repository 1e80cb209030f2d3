/**
 * SchemaVer (Snowplow's schema versioning): `MODEL-REVISION-ADDITION`.
 * MODEL: a change that breaks every historical record; REVISION: one that may break some;
 * ADDITION: one compatible with all historical data.
 */
export interface SchemaVer {
  model: number;
  revision: number;
  addition: number;
}

export type SchemaVerPart = 'model' | 'revision' | 'addition';

const SCHEMA_VER = /^([1-9]\d*)-(0|[1-9]\d*)-(0|[1-9]\d*)$/;

/** Whether `text` is a SchemaVer string such as `1-0-2`. */
export function isSchemaVer(text: string): boolean {
  return SCHEMA_VER.test(text);
}

/**
 * Parses `MODEL-REVISION-ADDITION`; also accepts a bare integer `N` (Segment's rule version),
 * read as `N-0-0`.
 *
 * @example parseSchemaVer('2-1-0') // { model: 2, revision: 1, addition: 0 }
 */
export function parseSchemaVer(text: string | number): SchemaVer {
  if (typeof text === 'number' || /^[1-9]\d*$/.test(text)) {
    const model = Number(text);
    if (!Number.isInteger(model) || model < 1) throw new Error(`Not a SchemaVer: ${text}`);
    return { model, revision: 0, addition: 0 };
  }
  const m = SCHEMA_VER.exec(text);
  if (!m) throw new Error(`Not a SchemaVer (MODEL-REVISION-ADDITION, e.g. 1-0-0): ${JSON.stringify(text)}`);
  return { model: Number(m[1]), revision: Number(m[2]), addition: Number(m[3]) };
}

export function formatSchemaVer(v: SchemaVer): string {
  return `${v.model}-${v.revision}-${v.addition}`;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareSchemaVer(a: SchemaVer, b: SchemaVer): number {
  return a.model - b.model || a.revision - b.revision || a.addition - b.addition;
}

/**
 * The next version after a change of the given kind.
 *
 * @example bumpSchemaVer('1-2-3', 'revision') // '1-3-0'
 */
export function bumpSchemaVer(version: string, part: SchemaVerPart): string {
  const v = parseSchemaVer(version);
  if (part === 'model') return formatSchemaVer({ model: v.model + 1, revision: 0, addition: 0 });
  if (part === 'revision') return formatSchemaVer({ model: v.model, revision: v.revision + 1, addition: 0 });
  return formatSchemaVer({ model: v.model, revision: v.revision, addition: v.addition + 1 });
}
