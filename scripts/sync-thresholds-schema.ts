// Rewrites the `thresholds` block of src/workspace/gtm.schema.json from the table in
// src/workspace/thresholds.ts (the one place a threshold key is declared):
// `npx tsx scripts/sync-thresholds-schema.ts`. The rest of the file is left as it is written.
// test/unit/workspace/thresholds.test.ts fails until the file matches the table.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { thresholdsSchema } from '../src/workspace/thresholds.ts';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/workspace/gtm.schema.json');
const text = readFileSync(file, 'utf8');
// the block: `    "thresholds": {` (a top-level property) to the first `    }` after it at the same indent
const start = text.indexOf('\n    "thresholds": {\n');
const end = start < 0 ? -1 : text.indexOf('\n    }', start + 1);
if (start < 0 || end < 0) throw new Error(`${file}: no top-level "thresholds" property found`);
const block = JSON.stringify(thresholdsSchema(), null, 2).replace(/\n/g, '\n    ');
const next = `${text.slice(0, start)}\n    "thresholds": ${block}${text.slice(end + '\n    }'.length)}`;
const parsed = JSON.parse(next) as { properties: { thresholds: unknown } };
if (JSON.stringify(parsed.properties.thresholds) !== JSON.stringify(thresholdsSchema()))
  throw new Error('the rewritten block does not parse back to the table');
writeFileSync(file, next);
console.log(`${path.relative(process.cwd(), file)}: thresholds written from src/workspace/thresholds.ts`);
