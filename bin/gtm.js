#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through the `prepare` script, or `npm run build`):
// the bundled form (dist/cli-bundle/, a few chunks instead of a few hundred modules to load).
// `gtm --help` prints the help text the build wrote with the CLI itself, without loading the CLI.
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const help =
  argv.length === 1 && ['--help', '-h', 'help'].includes(argv[0])
    ? (() => {
        try {
          return readFileSync(new URL('../dist/cli-bundle/help.txt', import.meta.url));
        } catch {
          return null;
        }
      })()
    : null;
if (help) process.stdout.write(help);
else {
  const entry = new URL('../dist/cli-bundle/main.js', import.meta.url);
  if (!existsSync(entry)) {
    console.error('error[INTERNAL] gtm is not built: dist/cli-bundle/main.js is missing — run `npm run build` (npm ci runs it)');
    process.exit(1);
  }
  const { main } = await import(entry.href);
  process.exitCode = await main(argv);
}
