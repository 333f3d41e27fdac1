import { existsSync } from 'node:fs';
import path from 'node:path';

/** The project root, found from wherever this module runs (src/ under ts-jest, dist/src/ when built). */
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot(__dirname);
export const DB_DIR = path.join(PROJECT_ROOT, 'db');
