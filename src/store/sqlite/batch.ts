/**
 * Group commit: writes that arrive in the same event-loop turn share one transaction (one
 * fsync), each in its own savepoint so one failing write does not undo the others.
 */
import type Database from "better-sqlite3";

interface Pending<A, R> {
  args: A;
  resolve(value: R): void;
  reject(error: unknown): void;
}

/** Wraps a synchronous write so concurrent calls are committed together. */
export function groupCommit<A extends unknown[], R>(
  db: Database.Database,
  write: (...args: A) => R,
): (...args: A) => Promise<R> {
  let queue: Pending<A, R>[] = [];
  const each = db.transaction((args: A) => write(...args));
  const flush = () => {
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: R } | { ok: false; error: unknown })[] = [];
    try {
      db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: each(item.args) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    batch.forEach((item, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) item.resolve(outcome.value);
      else item.reject(outcome.error);
    });
  };
  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ args, resolve, reject });
    });
}
