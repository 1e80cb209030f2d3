// Lists functions longer than a limit (default 80 lines) under the given folders: `npx tsx scripts/function-lengths.ts src/commands 80`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const [root = 'src/commands', limitText = '80'] = process.argv.slice(2);
const limit = Number(limitText);
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
let over = 0;
for (const file of files(root)) {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = src.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = src.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name =
        (node as ts.FunctionDeclaration).name?.getText() ??
        (ts.isVariableDeclaration(node.parent)
          ? node.parent.name.getText()
          : ts.isPropertyAssignment(node.parent)
            ? node.parent.name.getText()
            : '(anonymous)');
      if (end - start + 1 > limit) {
        over++;
        console.log(`${file}:${start + 1} ${name} ${end - start + 1} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
}
console.log(`${over} function(s) over ${limit} lines`);
process.exitCode = 0;
