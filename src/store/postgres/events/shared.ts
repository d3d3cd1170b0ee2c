/** What the PostgreSQL event modules share: name conflicts and name-prefix filters. */
import { StoreConflictError } from "../../errors.js";

const UNIQUE_VIOLATION = "23505";

/** Runs an insert, turning a primary-key or unique clash into StoreConflictError("exists"). */
export async function insertOnce(run: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION)
      throw new StoreConflictError("exists", `${what} already exists.`);
    throw error;
  }
}

/**
 * The SQL condition "`column` starts with the prefix in `$n`", as SQLite's LIKE decides it:
 * ASCII letters match in either case, everything else byte for byte. lower() under the "C"
 * collation folds ASCII letters only, whatever the database's locale.
 */
export const startsWith = (column: string, n: number) =>
  `lower(${column} COLLATE "C") LIKE lower($${n}::text COLLATE "C") ESCAPE '\\'`;

/** The LIKE pattern of names starting with `prefix` (its wildcards escaped). */
export const likePrefix = (prefix: string | undefined) =>
  `${(prefix ?? "").replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
