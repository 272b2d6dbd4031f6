import path from 'node:path';
import Database from 'better-sqlite3';

/** Pass runs completed so far in a home's database (0 while it does not exist yet); read-only. */
export function okPassRuns(home: string): number {
  try {
    const d = new Database(path.join(home, 'rawlight.db'), { readonly: true, fileMustExist: true });
    try {
      return (d.prepare(`SELECT count(*) AS n FROM pass_runs WHERE status = 'ok'`).get() as { n: number }).n;
    } finally {
      d.close();
    }
  } catch {
    return 0;
  }
}
