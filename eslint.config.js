// Layer boundaries of ARCHITECTURE.md, enforced. Each message says what to do instead.
import { readdirSync } from 'node:fs';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const zone = (target, from, message, except) => ({ target, from, message, ...(except ? { except } : {}) });

// No command imports another: what two commands share lives in commands/kit (how a command runs)
// or commands/shared (window parsing, experiment review, tracking-plan I/O).
const SHARED = ['kit', 'shared'];
const commandDirs = readdirSync(new URL('./src/commands', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !SHARED.includes(d.name))
  .map((d) => d.name);
const commandZones = [
  ...commandDirs.map((name) =>
    zone(`./src/commands/${name}`, './src/commands', `a command must not import another command: move what ${name} shares into src/commands/shared/ (or the kit in src/commands/kit/)`, [`./${name}`, './kit', './shared']),
  ),
  ...SHARED.map((name) =>
    zone(`./src/commands/${name}`, './src/commands', `commands/${name} is shared by every command and must not import one: pass what it needs in`, ['./kit', './shared']),
  ),
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'gtm-demo/**', 'reports/**', 'bench-data/**', '.tmp/**', 'test/golden/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src/analyses', ['./src/cli', './src/commands', './src/orchestrator', './src/data', './src/report', './src/workspace', './src/demo', './src/errors'],
              'analyses/ is pure: take plain data as arguments and return plain data; let the command do the I/O.'),
            zone('./src/orchestrator', ['./src/cli', './src/commands', './src/demo', './src/report', './src/workspace', './src/data'],
              'orchestrator/ knows plans and stages only; pass what it needs in from the command.'),
            zone('./src/data', ['./src/cli', './src/commands', './src/orchestrator', './src/report', './src/workspace', './src/demo'],
              'data/ is engines, readers and normalization; callers pass configuration in as plain objects.'),
            zone('./src/report', ['./src/cli', './src/commands', './src/orchestrator', './src/data', './src/workspace', './src/demo'],
              'report/ renders result objects; give it the result, not the sources.'),
            zone('./src/workspace', ['./src/cli', './src/commands', './src/orchestrator', './src/report', './src/demo'],
              'workspace/ loads gtm.yaml; it must not depend on commands or the CLI.'),
            zone('./src/commands', ['./src/cli', './src/demo'],
              'commands/ must not reach into the CLI or the demo generator; the CLI calls commands.'),
            zone('./src/demo', ['./src/cli', './src/commands'], 'demo/ generates data only; the CLI runs commands on it.'),
            zone('./src/contracts', './src', 'contracts/ holds plain types shared by every layer; it imports nothing.', ['./contracts']),
            ...commandZones,
          ],
        },
      ],
    },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
  },
  {
    files: ['src/analyses/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:fs', 'node:fs/*', 'fs', 'node:child_process', 'node:net', 'node:http', '@duckdb/*', 'pg'],
          message: 'analyses/ is pure (no I/O, no engine): move I/O to the command and pass data in.' } ] }],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'analyses/ reads no clock: take "now" as an argument.' },
        { object: 'Math', property: 'random', message: 'analyses/ is deterministic: take a seeded RNG as an argument.' }],
    },
  },
  {
    // Tests of pure modules may read reference files; the modules themselves may not.
    files: ['src/analyses/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  { files: ['bin/**/*.js', 'eslint.config.js'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
