#!/usr/bin/env node
// Runs the compiled CLI (dist/, built by `npm ci` through the `prepare` script, or `npm run build`):
// the bundled form (dist/cli-bundle/, a few chunks instead of a few hundred modules to load).
// `gtm --help` prints the help text the build wrote with the CLI itself, without loading the CLI.
import { existsSync, readFileSync } from 'node:fs';

// `npm run gtm -- …` runs this file in the package root, wherever it was typed (npm's rule for
// scripts); gtm reads gtm.yaml, data and --config paths from the folder the user is in, so go back
// there (npm names it INIT_CWD). Only for this package's own `gtm` script: npx and an installed
// `gtm` already run where they were typed, and another package's scripts keep npm's rule.
if (
  process.env.npm_lifecycle_event === 'gtm' &&
  process.env.npm_package_name === 'gtm-analytics' &&
  process.env.INIT_CWD
) {
  try {
    process.chdir(process.env.INIT_CWD);
  } catch {
    // a folder removed since: stay in the package root
  }
}

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
    console.error(
      'error[INTERNAL] gtm is not built: dist/cli-bundle/main.js is missing — run `npm run build` (npm ci runs it)',
    );
    process.exit(1);
  }
  const { main } = await import(entry.href);
  // main owns this process: Ctrl-C and SIGTERM stop a run cleanly (its plan says interrupted)
  process.exitCode = await main(argv, { processSignals: true });
}
