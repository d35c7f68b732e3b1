// The small SQL surface the adapter needs, so that node-postgres and PGlite look the same.
//
// Conventions that keep both drivers byte-identical: every parameter is a string (or null) and
// is cast in the SQL text; every selected column is cast to text in the SQL, so no driver-side
// type parser (int8 → string vs bigint, float8 → number) is ever involved.

/** One result row, columns by position (rowMode 'array'). */
export type SqlRow = readonly unknown[];
export type SqlParam = string | null;

export interface SqlExecutor {
  query(text: string, params?: readonly SqlParam[]): Promise<SqlRow[]>;
}

export interface SqlDriver extends SqlExecutor {
  /** "pg" or "pglite", for logs and health messages. */
  readonly kind: 'pg' | 'pglite';
  /** Runs fn inside BEGIN/COMMIT on one session; rolls back when fn throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Text of a cell that the SQL cast to text; null stays null. */
export function cellText(row: SqlRow, index: number): string | null {
  const v = row[index];
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

/** Like cellText but the cell must not be null. */
export function cellString(row: SqlRow, index: number): string {
  const v = cellText(row, index);
  if (v === null) throw new Error(`unexpected NULL in result column ${index}`);
  return v;
}
