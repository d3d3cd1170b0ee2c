/**
 * Which store the server runs on: PostgreSQL when a database URL is given (any number of
 * nodes may share it), otherwise the embedded SQLite file in the data directory.
 */
import { join } from "node:path";
import type { Store } from "../store/port.js";
import { openPostgresStore } from "../store/postgres/index.js";
import { openSqliteStore } from "../store/sqlite/index.js";

/** Where the store lives. */
export interface StoreSettings {
  dataDir: string;
  /** `postgres://...`; absent: SQLite in `dataDir`. */
  database?: string;
  /** SQLite durability (ignored on PostgreSQL, which follows its own `synchronous_commit`). */
  synchronous?: "FULL" | "NORMAL";
}

/** The database URL is not one opsflow can use. */
export class DatabaseUrlError extends Error {
  override readonly name = "DatabaseUrlError";
}

/** Opens (and migrates) the store the settings name. */
export async function openStore(settings: StoreSettings): Promise<Store> {
  const url = settings.database;
  if (url === undefined || url === "")
    return openSqliteStore({
      path: join(settings.dataDir, "opsflow.db"),
      ...(settings.synchronous && { synchronous: settings.synchronous }),
    });
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new DatabaseUrlError(
      `Unsupported database URL "${url.replace(/:[^:@/]*@/, ":***@")}": expected postgres://USER:PASSWORD@HOST:PORT/DATABASE (or none, for the embedded SQLite store).`,
    );
  return openPostgresStore({ url });
}
