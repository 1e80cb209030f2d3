/**
 * The `@example` blocks of the library's public face (src/index.ts) are compiled against it, so an
 * example cannot drift from the API it documents.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TMP = path.join(ROOT, '.tmp', 'jsdoc-examples');
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Fenced ```ts blocks inside JSDoc comments, with the leading ` * ` removed. */
export function jsdocExamples(source: string): string[] {
  const out: string[] = [];
  for (const comment of source.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
    const text = comment[1]
      .split('\n')
      .map((l) => l.replace(/^\s*\* ?/, ''))
      .join('\n');
    for (const block of text.matchAll(/```ts\n([\s\S]*?)```/g)) out.push(block[1]);
  }
  return out;
}

describe('JSDoc examples of the library face', () => {
  const examples = jsdocExamples(readFileSync(path.join(ROOT, 'src/index.ts'), 'utf8'));

  it('has examples', () => expect(examples.length).toBeGreaterThanOrEqual(4));

  it('every example type-checks against src/index.ts', () => {
    mkdirSync(TMP, { recursive: true });
    const files = examples.map((code, i) => {
      const file = path.join(TMP, `example-${i}.ts`);
      const entry = path.relative(TMP, path.join(ROOT, 'src/index.ts')).split(path.sep).join('/');
      writeFileSync(file, `${code.replaceAll(`'gtm-analytics'`, `'${entry}'`)}\nexport {};\n`);
      return file;
    });
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(ROOT, 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: () => {},
      },
    )!;
    const program = ts.createProgram(files, { ...config.options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file && d.file.fileName.startsWith(TMP))
      .map(
        (d) => `${path.basename(d.file!.fileName)}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  }, 60_000);
});
