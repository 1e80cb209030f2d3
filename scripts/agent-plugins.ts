// Writes agent-plugins/ (a Claude Code plugin marketplace: five plugins, one per command, each with
// its slash command and an MCP server entry) from the commands' manifests, so the plugins always
// match the flags. `npx tsx scripts/agent-plugins.ts` writes; `--check` exits 1 when out of date.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pluginFiles } from '../src/cli/agent-plugins/plugin-files.ts';

const root = path.resolve(import.meta.dirname, '..', 'agent-plugins');
const check = process.argv.includes('--check');
let stale = 0;
for (const f of pluginFiles()) {
  const target = path.join(root, f.path);
  let current: string | null = null;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = null;
  }
  if (current === f.content) continue;
  stale++;
  if (check) console.error(`out of date: agent-plugins/${f.path}`);
  else {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, f.content);
    console.log(`wrote agent-plugins/${f.path}`);
  }
}
if (check && stale) process.exitCode = 1;
