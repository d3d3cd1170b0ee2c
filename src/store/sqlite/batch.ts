/**
 * Group commit: writes that arrive in the same event-loop turn share one transaction (one
 * fsync), each in its own savepoint so one failing write does not undo the others. Every
 * group-committed write of a database joins the same queue, whatever its kind: a turn that
 * starts executions, settles tasks, commits execution passes and appends audit events pays
 * for one fsync, not one per kind.
 */
import type Database from "better-sqlite3";

interface Pending {
  run(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The shared queue of one database. */
class GroupCommitter {
  private queue: Pending[] = [];

  constructor(private readonly db: Database.Database) {}

  /** Queues one write; the first of a turn schedules the flush. */
  enqueue(item: Pending): void {
    if (this.queue.length === 0) setImmediate(() => this.flush());
    this.queue.push(item);
  }

  /** Commits everything queued now in one transaction, and settles each caller. */
  flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: item.run() });
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
  }
}

const committers = new WeakMap<Database.Database, GroupCommitter>();

function committerOf(db: Database.Database): GroupCommitter {
  let committer = committers.get(db);
  if (!committer) {
    committer = new GroupCommitter(db);
    committers.set(db, committer);
  }
  return committer;
}

/** Wraps a synchronous write so concurrent calls (of it and of every other wrapped write of `db`) are committed together. */
export function groupCommit<A extends unknown[], R>(
  db: Database.Database,
  write: (...args: A) => R,
): (...args: A) => Promise<R> {
  const committer = committerOf(db);
  // A savepoint inside the group's transaction: a failing write undoes only itself.
  const each = db.transaction((args: A) => write(...args));
  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      committer.enqueue({
        run: () => each(args),
        resolve: resolve as (value: unknown) => void,
        reject,
      });
    });
}

/**
 * Commits the writes queued on `db` right away (before closing it, so nothing a caller was
 * promised is dropped).
 */
export function flushGroupCommits(db: Database.Database): void {
  committers.get(db)?.flush();
}
