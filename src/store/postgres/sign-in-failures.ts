/** The sign-in throttle's records on PostgreSQL, shared by every node (see SignInThrottleStore). */
import type { SignInFailureRecord, SignInThrottleStore } from "../sign-in-port.js";
import type { PostgresDatabase } from "./database.js";

type Row = {
  key: string;
  failures: number;
  last_at: number;
  locked_until: number;
  reported: boolean;
};

const recordOf = (row: Row): SignInFailureRecord => ({
  key: row.key,
  failures: row.failures,
  lastAt: row.last_at,
  lockedUntil: row.locked_until,
  reported: row.reported,
});

/** The sign-in throttle port on `db`. */
export function postgresSignInThrottleStore(db: PostgresDatabase): SignInThrottleStore {
  return {
    async getSignInFailures(key) {
      const row = await db.row<Row>("SELECT * FROM sign_in_failures WHERE key = $1", [key]);
      return row && recordOf(row);
    },
    countSignInFailure(key, next) {
      return db.transaction(async (tx) => {
        // The row is locked while `next` runs, so failures counted on other nodes at the same
        // time queue up behind this one instead of overwriting it. A first failure inserts the
        // row (locked until this commits); a concurrent first failure waits for it, then reads it.
        const created = await tx.run(
          `INSERT INTO sign_in_failures (key, failures, last_at, locked_until, reported)
           VALUES ($1, 0, 0, 0, FALSE) ON CONFLICT (key) DO NOTHING`,
          [key],
        );
        const row = created
          ? undefined
          : await tx.row<Row>("SELECT * FROM sign_in_failures WHERE key = $1 FOR UPDATE", [key]);
        const record = { ...next(row && recordOf(row)), key };
        await tx.run(
          `UPDATE sign_in_failures SET failures = $2, last_at = $3, locked_until = $4, reported = $5
           WHERE key = $1`,
          [key, record.failures, record.lastAt, record.lockedUntil, record.reported],
        );
        return record;
      });
    },
    async reportSignInLockout(key, lockedUntil) {
      return (
        (await db.run(
          `UPDATE sign_in_failures SET reported = TRUE
           WHERE key = $1 AND locked_until = $2 AND NOT reported`,
          [key, lockedUntil],
        )) > 0
      );
    },
    async deleteSignInFailures(key) {
      await db.run("DELETE FROM sign_in_failures WHERE key = $1", [key]);
    },
    async pruneSignInFailures(before) {
      return db.run("DELETE FROM sign_in_failures WHERE last_at < $1", [before]);
    },
  };
}
