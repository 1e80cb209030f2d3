// Builds dist/ (compiled JavaScript, declarations, the JSON Schemas beside the modules that read
// them). Run by `npm ci` (the `prepare` script) and before `npm pack`.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');

// `--if-stale` (the `prepare` script): skip the build when dist/ was built from exactly these
// sources, build scripts, lock file and Node version. npm runs `prepare` again whenever it links
// the clone as a package, as `npx gtm` does inside the clone on its first call: without this, that
// call rebuilt everything (about 20 s) before running.
const stampFile = path.join(dist, '.build-stamp');
const buildStamp = () => {
  const hash = createHash('sha256').update(process.version);
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else hash.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'scripts'));
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'])
    if (existsSync(path.join(root, f))) hash.update(f).update(readFileSync(path.join(root, f)));
  return hash.digest('hex');
};
const stamp = buildStamp();
if (
  process.argv.includes('--if-stale') &&
  existsSync(stampFile) &&
  readFileSync(stampFile, 'utf8') === stamp &&
  existsSync(path.join(dist, 'cli-bundle/main.js'))
) {
  console.log('dist/ is up to date (built from these sources); `npm run build` rebuilds it anyway');
  process.exit(0);
}
rmSync(dist, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// tsc writes the JavaScript even when it reports type errors: the build goes on to the validators and
// the bundle (a dist/ without them breaks every command), and fails at the end instead.
let typeErrors = false;
try {
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  typeErrors = true;
}

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

// The gtm.yaml validator as code: loading it takes a few milliseconds where compiling the schema at
// every start takes a quarter second. Same options as src/workspace/load-workspace.ts (SCHEMA_OPTIONS).
const { Ajv } = await import('ajv');
// minified: the generated validators are large (the config's is ~0.5 MB as written) and are loaded
// at every start
const { transformSync } = await import('esbuild');
const minify = (code) => transformSync(code, { minify: true, format: 'cjs', target: 'node20' }).code;
const { default: standaloneCode } = await import('ajv/dist/standalone/index.js');
const workspaceDir = path.join(root, 'src/workspace');
const readJson = (name) => JSON.parse(readFileSync(path.join(workspaceDir, name), 'utf8'));
const ajv = new Ajv({
  allErrors: true,
  strict: false,
  discriminator: true,
  verbose: true,
  code: { source: true },
});
for (const part of ['referrals', 'loyalty', 'personalization'])
  ajv.addSchema(readJson(`gtm.${part}.schema.json`));
writeFileSync(
  path.join(dist, 'workspace/gtm-schema-validate.cjs'),
  minify(standaloneCode(ajv, ajv.compile(readJson('gtm.schema.json')))),
);

// The plan record validator, likewise (src/orchestrator/validate-plan-record.ts, PLAN_SCHEMA_OPTIONS):
// every run reads the previous plan of its scope before its first stage.
const planAjv = new Ajv({ allErrors: true, strict: true, code: { source: true } });
writeFileSync(
  path.join(dist, 'orchestrator/plan-schema-validate.cjs'),
  minify(
    standaloneCode(
      planAjv,
      planAjv.compile(JSON.parse(readFileSync(path.join(root, 'src/orchestrator/plan.schema.json'), 'utf8'))),
    ),
  ),
);

// V8 code caches of the two validators (src/runtime/require-prebuilt.ts): each is run once on a
// sample (the starter gtm.yaml, a minimal plan) so that the cache holds the functions a run compiles.
{
  const { pathToFileURL } = await import('node:url');
  const { prebuiltCache, prebuiltScript, runPrebuilt } = await import(
    pathToFileURL(path.join(dist, 'runtime/require-prebuilt.js')).href
  );
  const { GTM_YAML_TEMPLATE } = await import(
    pathToFileURL(path.join(dist, 'commands/init/gtm-yaml-template.js')).href
  );
  const { default: jsYaml } = await import('js-yaml');
  const samples = {
    'workspace/gtm-schema-validate.cjs': [jsYaml.load(GTM_YAML_TEMPLATE), {}],
    'orchestrator/plan-schema-validate.cjs': [{}, { plan_id: 'x', stages: [] }],
  };
  for (const [rel, inputs] of Object.entries(samples)) {
    const file = path.join(dist, rel);
    const script = prebuiltScript(file);
    const validate = runPrebuilt(script, file);
    for (const input of inputs) validate(input);
    writeFileSync(`${file}.v8cache`, prebuiltCache(file, script));
  }
}

// The CLI as a handful of bundled chunks (bin/gtm.js runs it): see scripts/bundle-cli.mjs.
await import('./bundle-cli.mjs');

// `gtm --help` as text, written by the CLI itself: bin/gtm.js prints it without loading the CLI
// (test/unit/cli/prebuilt-help.test.ts checks that it equals what the CLI prints).
{
  const { main } = await import(new URL('../dist/cli-bundle/main.js', import.meta.url).href);
  let text = '';
  const sink = { write: (s) => ((text += s), true), isTTY: false };
  const code = await main(['--help'], { streams: { stdout: sink, stderr: sink } });
  if (code !== 0 || !text.includes('Commands:'))
    throw new Error(`gtm --help failed at build time (exit ${code})`);
  writeFileSync(path.join(dist, 'cli-bundle/help.txt'), text);
}

if (typeErrors) {
  console.error('build: tsc reported type errors (above); dist/ is complete but the build fails');
  process.exit(1);
}
writeFileSync(stampFile, stamp);
