/** The sign-in throttle's records on SQLite (see SignInThrottleStore). */
import type Database from "better-sqlite3";
import type { SignInFailureRecord } from "../sign-in-port.js";

type Row = {
  key: string;
  failures: number;
  last_at: number;
  locked_until: number;
  reported: number;
};

const recordOf = (row: Row): SignInFailureRecord => ({
  key: row.key,
  failures: row.failures,
  lastAt: row.last_at,
  lockedUntil: row.locked_until,
  reported: row.reported === 1,
});

/** The sign-in throttle queries on `db`, synchronous. */
export function signInFailureQueries(db: Database.Database) {
  const get = db.prepare("SELECT * FROM sign_in_failures WHERE key = ?");
  const put = db.prepare(
    `INSERT INTO sign_in_failures (key, failures, last_at, locked_until, reported)
     VALUES (@key, @failures, @lastAt, @lockedUntil, @reported)
     ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_at = excluded.last_at,
       locked_until = excluded.locked_until, reported = excluded.reported`,
  );
  const report = db.prepare(
    "UPDATE sign_in_failures SET reported = 1 WHERE key = ? AND locked_until = ? AND reported = 0",
  );
  const remove = db.prepare("DELETE FROM sign_in_failures WHERE key = ?");
  const prune = db.prepare("DELETE FROM sign_in_failures WHERE last_at < ?");
  const read = (key: string) => {
    const row = get.get(key) as Row | undefined;
    return row && recordOf(row);
  };
  return {
    getSignInFailures: read,
    countSignInFailure: db.transaction(
      (
        key: string,
        next: (current: SignInFailureRecord | undefined) => SignInFailureRecord,
      ): SignInFailureRecord => {
        const record = next(read(key));
        put.run({ ...record, key, reported: record.reported ? 1 : 0 });
        return { ...record, key };
      },
    ),
    reportSignInLockout: (key: string, lockedUntil: number) =>
      report.run(key, lockedUntil).changes > 0,
    deleteSignInFailures: (key: string): void => {
      remove.run(key);
    },
    pruneSignInFailures: (before: number) => prune.run(before).changes,
  };
}
