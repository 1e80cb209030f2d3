// Bundles the CLI (src/cli/main.ts and every module it imports from src/) into a few ES module
// chunks under dist/cli-bundle/, so that starting `gtm` loads a handful of files instead of a few
// hundred (module loading was most of the start-up time). Packages stay external (loaded from
// node_modules on demand, as before), and dynamic imports stay lazy (they become chunks).
//
// Modules that locate files next to themselves (`import.meta.url`: JSON Schemas, the prebuilt
// validators, worker scripts) keep doing so: each occurrence is rewritten to the URL of that
// module's compiled file in dist/, which tsc writes beside the bundle.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const outdir = path.join(root, 'dist/cli-bundle');

const importMetaUrl = {
  name: 'import-meta-url-of-compiled-module',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      let text = await readFile(args.path, 'utf8');
      if (text.includes('import.meta.url')) {
        const compiled = path.join(root, 'dist', path.relative(src, args.path)).replace(/\.ts$/, '.js');
        const rel = path.relative(outdir, compiled).split(path.sep).join('/');
        text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`);
      }
      return { contents: text, loader: 'ts' };
    });
  },
};

// Packages bundled in: pure JavaScript spread over many small CommonJS files, which cost more to
// locate and load one by one than to parse once. Every other package stays external.
const BUNDLED = [
  'yaml',
  '@duckdb/node-api',
  'ajv',
  'ajv-formats',
  'ajv-draft-04',
  'fast-deep-equal',
  'fast-uri',
  'json-schema-traverse',
  'require-from-string',
  // the charts (loaded by the report stage only, as their own chunk): Vega and Vega-Lite are some
  // 60 ES module packages whose resolving, linking and compiling cost more than one parse
  'internmap',
  'topojson-client',
  'delaunator',
  'robust-predicates',
  'json-stringify-pretty-compact',
  'tslib',
];
const bundled = (name) => BUNDLED.includes(name) || /^(vega|d3-)/.test(name);
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@')
        ? args.path.split('/').slice(0, 2).join('/')
        : args.path.split('/')[0];
      return bundled(name) ? undefined : { path: args.path, external: true };
    });
  },
};

await build({
  // the demo's worker thread (src/demo/demo-job.ts starts it from here when it exists) shares the
  // chunks of the demo's generators instead of loading their compiled modules one by one; likewise
  // monitor-loyalty's model thread (src/commands/monitor-loyalty/model-thread.ts)
  entryPoints: {
    main: path.join(src, 'cli/main.ts'),
    'demo-worker': path.join(src, 'demo/demo-worker.ts'),
    'model-worker': path.join(src, 'commands/monitor-loyalty/model-worker.ts'),
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // the bundled CommonJS packages call require() for Node's built-ins
  banner: {
    js: "import { createRequire as __gtmCreateRequire } from 'node:module'; const require = __gtmCreateRequire(import.meta.url);",
  },
  plugins: [externalPackages, importMetaUrl],
});
