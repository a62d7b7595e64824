/**
 * SQLite through sql.js (SQLite compiled to WebAssembly): one build runs in the CLI, the worker and
 * every Electron version of VS Code, with no native module per ABI. The .wasm ships next to the bundles
 * (scripts/build.mjs copies it into dist/) and is read from disk: nothing is fetched at run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';

export type { Database, SqlValue };

const WASM = 'sql-wasm.wasm';
let loading: Promise<SqlJsStatic> | undefined;

/** Where the .wasm is: beside the running bundle (dist/), else in node_modules (tests, dev runs). */
export function sqlWasmPath(): string {
  const candidates = [path.join(__dirname, WASM), path.join(__dirname, '..', 'dist', WASM)];
  try {
    candidates.push(require.resolve(`sql.js/dist/${WASM}`));
  } catch {
    // bundled without node_modules: only the copy beside the bundle counts
  }
  const found = candidates.find(c => fs.existsSync(c));
  if (!found) throw new Error(`SQLite support is missing: ${WASM} was not found beside ${__dirname} (rebuild with scripts/build.mjs)`);
  return found;
}

/** The sql.js module, loaded once per process. */
export function sqlJs(): Promise<SqlJsStatic> {
  loading ??= fs.promises.readFile(sqlWasmPath()).then(bytes => initSqlJs({ wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }));
  return loading;
}

/** Runs a query and hands each row to `each` (a prepared statement: no array of every row at once). */
export function eachRow(db: Database, sql: string, params: SqlValue[], each: (row: SqlValue[]) => void): void {
  const statement = db.prepare(sql, params);
  try {
    while (statement.step()) each(statement.get());
  } finally {
    statement.free();
  }
}

/** Column names of a table (empty when the table does not exist). */
export function columnsOf(db: Database, table: string): Set<string> {
  const names = new Set<string>();
  eachRow(db, `PRAGMA table_info(${JSON.stringify(table)})`, [], row => names.add(String(row[1])));
  return names;
}
