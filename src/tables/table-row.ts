import { ProblemItem } from '../domain/errors';

/**
 * One row of a spreadsheet as text, cells[0] being column A. Row sources reuse one object for every row:
 * copy what you keep.
 */
export interface TableRow {
  /** 1-based, as a spreadsheet shows it. */
  number: number;
  cells: readonly string[];
}

/** The bytes stop making sense at some row: the file cannot be read past it. */
export class UnreadableTable extends Error {
  constructor(readonly problem: ProblemItem) {
    super(problem.detail);
    this.name = 'UnreadableTable';
  }
}
