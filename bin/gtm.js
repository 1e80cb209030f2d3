#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through the `prepare` script, or `npm run build`):
// the bundled form (dist/cli-bundle/, a few chunks instead of a few hundred modules to load).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli-bundle/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('error[INTERNAL] gtm is not built: dist/cli-bundle/main.js is missing — run `npm run build` (npm ci runs it)');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
