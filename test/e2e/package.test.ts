/**
 * The package as users get it: `npm pack`, install the tarball into an empty project, then (a) import
 * the library from TypeScript and run a model, and type-check every published declaration file
 * (skipLibCheck false, nodenext and bundler resolution), (b) run the installed `gtm --help` and
 * `gtm demo`.
 * Dependencies come from the npm cache that `npm ci` filled (`--prefer-offline`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const TMP = mkdtempSync(path.join(tmpdir(), 'gtm-pack-'));
const PROJECT = path.join(TMP, 'consumer');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });
let packed: { filename: string; files: { path: string }[] };

beforeAll(() => {
  // dist/ is built by `npm test` (and by `npm ci` through `prepare`) before the tests run
  packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', TMP], ROOT))[0];
  execFileSync('mkdir', ['-p', PROJECT]);
  writeFileSync(
    path.join(PROJECT, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  npm(['install', path.join(TMP, path.basename(packed.filename)), '--prefer-offline', '--no-save'], PROJECT);
}, 600_000);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

describe('the published package', () => {
  it('ships the compiled library, the CLI, the schemas and the notices, and nothing of the tests', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of [
      'dist/index.js',
      'dist/index.d.ts',
      'dist/cli/main.js',
      'dist/cli-bundle/main.js',
      'bin/gtm.js',
      'dist/workspace/gtm.schema.json',
      'LICENSE',
      'README.md',
      'NOTICE.md',
    ])
      expect(files, f).toContain(f);
    expect(
      files.filter(
        (f) =>
          /(^|\/)(test|bench)\//.test(f) ||
          f.includes('.test.') ||
          f.startsWith('src/') ||
          f.includes('reference-data'),
      ),
    ).toEqual([]);
  });

  it('is importable from TypeScript with its types, and runs a model', () => {
    writeFileSync(
      path.join(PROJECT, 'use.ts'),
      `import { attribute, analyzeExperiment, decide, DEFAULT_ANALYSIS_SETTINGS, type ModelName } from 'gtm-analytics';
const model: ModelName = 'markov';
const r = attribute([{ path: ['email', 'search'], conversions: 3, value: 300, nulls: 10 }, { path: ['search'], conversions: 1, value: 80, nulls: 20 }], model);
const a = analyzeExperiment({ variants: [{ name: 'control' }, { name: 'b' }], metrics: [{ name: 'c', arms: [{ kind: 'proportion', n: 5000, sum: 400 }, { kind: 'proportion', n: 5000, sum: 470 }] }], daysRunning: 21 }, DEFAULT_ANALYSIS_SETTINGS);
console.log(JSON.stringify({ total: r.channels.reduce((s, c) => s + c.conversions, 0), action: decide(a).action }));
`,
    );
    writeFileSync(
      path.join(PROJECT, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          strict: true,
          skipLibCheck: true,
          typeRoots: [path.join(ROOT, 'node_modules/@types')],
          types: ['node'],
        },
      }),
    );
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'],
      { cwd: PROJECT, encoding: 'utf8' },
    );
    const out = JSON.parse(execFileSync(process.execPath, ['use.js'], { cwd: PROJECT, encoding: 'utf8' }));
    expect(out.total).toBeCloseTo(4, 12);
    expect(['ship', 'keep running', 'stop', 'roll back']).toContain(out.action);

    // every published declaration file type-checks as a consumer's compiler sees it: skipLibCheck
    // false, under Node's own resolution (nodenext: a JSON import in a .d.ts needs an import
    // attribute, TS1543) and a bundler's
    const declared = packed.files.filter((f) => f.path.endsWith('.d.ts'));
    expect(declared.length).toBeGreaterThan(100);
    const jsonImports = declared.filter((f) =>
      /\bfrom\s+['"][^'"]+\.json['"]|import\(\s*['"][^'"]+\.json['"]/.test(
        readFileSync(path.join(PROJECT, 'node_modules/gtm-analytics', f.path), 'utf8'),
      ),
    );
    expect(jsonImports.map((f) => f.path)).toEqual([]);
    for (const [module, moduleResolution] of [
      ['NodeNext', 'NodeNext'],
      ['ESNext', 'Bundler'],
    ]) {
      const config = `tsconfig.${moduleResolution.toLowerCase()}.json`;
      writeFileSync(
        path.join(PROJECT, config),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution,
            target: 'ES2022',
            strict: true,
            skipLibCheck: false,
            noEmit: true,
            typeRoots: [path.join(ROOT, 'node_modules/@types')],
            types: ['node'],
          },
          files: ['use.ts'],
        }),
      );
      const tsc = spawnSync(
        process.execPath,
        [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', config, '--pretty', 'false'],
        { cwd: PROJECT, encoding: 'utf8' },
      );
      expect(tsc.stdout + tsc.stderr, `${moduleResolution}, skipLibCheck false`).toBe('');
      expect(tsc.status).toBe(0);
    }
  }, 240_000);

  it('installs the gtm command: --help and the demo run', () => {
    const gtm = path.join(PROJECT, 'node_modules/.bin/gtm');
    expect(execFileSync(gtm, ['--help'], { cwd: PROJECT, encoding: 'utf8' })).toContain('track-source');
    // piped, the demo prints the track-source result as JSON
    const result = JSON.parse(
      execFileSync(gtm, ['demo', 'my-demo', '--as-of', '2026-11-15'], {
        cwd: PROJECT,
        encoding: 'utf8',
        // as a user runs it: no GTM_SNAPSHOT (the tests' setting), so Chromium would be used if asked for
        env: { ...process.env, GTM_SNAPSHOT: undefined },
      }),
    );
    expect(result.schema).toBe('gtm.track-source.result/v1');
    expect(result.totals.pipeline).toBeGreaterThan(0);
    expect(
      readFileSync(path.join(PROJECT, 'my-demo', result.reports_dir, 'dashboard.html'), 'utf8'),
    ).toContain('<svg');
    // the demo takes no picture unless asked (--snapshot): Chromium would double its time
    expect(existsSync(path.join(PROJECT, 'my-demo', result.reports_dir, 'dashboard.png'))).toBe(false);

    // the README's next step, as a user runs it: pictures need playwright-core, an optional peer
    // dependency npm did not install; without it the run warns and writes everything else
    const next = spawnSync(
      gtm,
      ['track-source', '--campaign', 'AI Launch Tour', '--window', '30d', '--json'],
      {
        cwd: path.join(PROJECT, 'my-demo'),
        encoding: 'utf8',
        env: { ...process.env, GTM_SNAPSHOT: undefined },
      },
    );
    expect(next.status, next.stderr).toBe(0);
    expect(JSON.parse(next.stdout).schema).toBe('gtm.track-source.result/v1');
    if (!existsSync(path.join(PROJECT, 'node_modules/playwright-core')))
      expect(next.stderr).toMatch(/no dashboard\.png: (playwright-core is not installed|no Chromium at)/);
  }, 240_000);
});
