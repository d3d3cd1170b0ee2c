/** Inserts that report a name clash as the port's conflict error. */
import { StoreConflictError } from "../../errors.js";

/** Runs an insert, turning a primary-key or unique clash into StoreConflictError("exists"). */
export function insertOnce(run: () => unknown, what: string): void {
  try {
    run();
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith("SQLITE_CONSTRAINT"))
      throw new StoreConflictError("exists", `${what} already exists.`);
    throw error;
  }
}
