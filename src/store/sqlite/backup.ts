/**
 * Online backup of the embedded database: SQLite's backup API copies a consistent snapshot
 * page by page while a server keeps writing (it restarts the copy of pages changed meanwhile).
 */
import { existsSync } from "node:fs";
import Database from "better-sqlite3";

/** Progress of a backup: pages copied of the database's total. */
export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

/** Copies the database at `source` to `destination` (which must not exist yet). */
export async function backupSqliteDatabase(
  source: string,
  destination: string,
  onProgress: (progress: BackupProgress) => void = () => undefined,
): Promise<BackupProgress> {
  if (!existsSync(source)) throw new Error(`There is no database at ${source}.`);
  if (existsSync(destination))
    throw new Error(
      `${destination} exists already: choose a new file (a backup never overwrites).`,
    );
  const db = new Database(source, { readonly: true, fileMustExist: true });
  try {
    return await db.backup(destination, {
      progress: (progress) => {
        onProgress(progress);
        // Pages per step: large enough to finish quickly, small enough to let writers in.
        return 1000;
      },
    });
  } finally {
    db.close();
  }
}
