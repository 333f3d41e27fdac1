import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { extended } from '../../src/domain/extended';

const SRC = path.join(__dirname, '..', '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(file);
    return entry.name.endsWith('.ts') ? [file] : [];
  });
}

/** Object literals that begin with a spread and go on (`{ ...a, b }`), as file:line. */
function spreadFirst(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isObjectLiteralExpression(node) && node.properties.length > 1 && ts.isSpreadAssignment(node.properties[0])) {
      found.push(`${path.relative(SRC, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('Object literals that begin with a spread (domain/extended.ts)', () => {
  test('When src is read, then no object literal begins with a spread and goes on: extended(base, more) builds those', () => {
    const files = sourceFiles(SRC);

    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap(spreadFirst)).toEqual([]);
  });

  test('When a base is extended, then the result has the keys of { ...base, ...more } in the same order and values, and the base is left as it was', () => {
    const base = { a: 1, b: { c: 2 }, d: 3 };
    const more = { b: { c: 4 }, e: 5 };
    const result = extended(base, more);

    expect(JSON.stringify(result)).toBe(JSON.stringify({ ...base, ...more }));
    expect(result.b).toBe(more.b);
    expect(base).toEqual({ a: 1, b: { c: 2 }, d: 3 });
  });
});
