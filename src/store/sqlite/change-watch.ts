/**
 * Knowing cheaply whether tables changed, for the store's read caches: temporary triggers on
 * this connection count every insert, update and delete (whichever module makes it), and
 * `PRAGMA data_version` moves when another connection (an operator's sqlite3 shell, say)
 * commits. A cache that sees a new version starts over. This process's own changes are seen
 * at once; another connection's within OTHER_CONNECTION_CHECK_MS (the pragma is not free,
 * and the caches are read several times per request).
 */
import type Database from "better-sqlite3";

/** How often another connection's commits are looked for. */
export const OTHER_CONNECTION_CHECK_MS = 50;

/**
 * Watches `tables` under the name `name` (unique per database); returns a function giving
 * a value that differs from the previous one whenever something may have changed. `now`
 * (milliseconds, monotonic) paces the checks for other connections' commits.
 */
export function watchTables(
  db: Database.Database,
  name: string,
  tables: readonly string[],
  now: () => number = () => performance.now(),
): () => string {
  let local = 0;
  const fn = `opsflow_changed_${name}`;
  db.function(fn, { deterministic: false }, () => {
    local++;
    return null;
  });
  for (const table of tables) {
    for (const event of ["insert", "update", "delete"]) {
      db.exec(
        `CREATE TEMP TRIGGER IF NOT EXISTS ${fn}_${table}_${event}
         AFTER ${event.toUpperCase()} ON main.${table} BEGIN SELECT ${fn}(); END`,
      );
    }
  }
  const dataVersion = db.prepare("PRAGMA data_version").pluck();
  let external = dataVersion.get() as number;
  let checkedAt = now();
  return () => {
    const at = now();
    if (at - checkedAt >= OTHER_CONNECTION_CHECK_MS) {
      external = dataVersion.get() as number;
      checkedAt = at;
    }
    return `${local}:${external}`;
  };
}

/**
 * A cache of lookups by key that starts over when `version()` moves. Only found values are
 * kept (a stream of unknown keys must not push the known ones out), at most `limit`.
 */
export class VersionedCache<T> {
  private readonly entries = new Map<string, T>();
  private seen: string;

  constructor(
    private readonly version: () => string,
    private readonly limit = 10_000,
  ) {
    this.seen = version();
  }

  /** The cached value of `key`, or `read()`'s (kept when defined). */
  get(key: string, read: () => T | undefined): T | undefined {
    const now = this.version();
    if (now !== this.seen) {
      this.entries.clear();
      this.seen = now;
    }
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = read();
    if (value !== undefined) {
      if (this.entries.size >= this.limit) this.entries.clear();
      this.entries.set(key, value);
    }
    return value;
  }
}
