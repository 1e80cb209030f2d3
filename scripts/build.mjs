// Builds dist/ (compiled JavaScript, declarations, the JSON Schemas beside the modules that read
// them). Run by `npm ci` (the `prepare` script) and before `npm pack`.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// JSON files next to the sources (schemas, data) are read at run time relative to their module.
const copyJson = (dir) => {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== 'fixtures') copyJson(p);
    } else if (name.endsWith('.json')) {
      const target = path.join(dist, path.relative(path.join(root, 'src'), p));
      mkdirSync(path.dirname(target), { recursive: true });
      cpSync(p, target);
    }
  }
};
copyJson(path.join(root, 'src'));
