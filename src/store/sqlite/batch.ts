/**
 * Group commit: writes that arrive in the same event-loop turn share one transaction (one
 * fsync), each in its own savepoint so one failing write does not undo the others. Every
 * group-committed write of a database joins the same queue, whatever its kind: a turn that
 * starts executions, settles tasks, commits execution passes and appends audit events pays
 * for one fsync, not one per kind.
 *
 * A write whose caller makes it durable with a later commit before answering anyone (a
 * request's audit row is written after the request's own writes, and the answer waits for
 * it) may skip the fsync: a group made only of such writes commits without one
 * (synchronous=NORMAL for that commit). The later commit syncs the whole WAL, these frames
 * included. Until then a crash of the process loses nothing (the frames are in the file);
 * a power loss may lose them, before anyone was answered.
 */
import type Database from "better-sqlite3";

interface Pending {
  run(): unknown;
  /** False when the caller syncs it with a later commit (see above). */
  sync: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** The shared queue of one database. */
class GroupCommitter {
  private queue: Pending[] = [];

  /** Commits sync the WAL (synchronous=FULL): only then is there an fsync to skip. */
  private readonly full: boolean;

  constructor(private readonly db: Database.Database) {
    this.full = db.pragma("synchronous", { simple: true }) === 2;
  }

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
    const unsynced = this.full && batch.every((item) => !item.sync);
    if (unsynced) this.db.pragma("synchronous = NORMAL");
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
    } finally {
      if (unsynced) this.db.pragma("synchronous = FULL");
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

/**
 * Wraps a synchronous write so concurrent calls (of it and of every other wrapped write of
 * `db`) are committed together. `syncedLater` tells from a call's arguments that its caller
 * makes it durable with a later commit (see the top of this file).
 */
export function groupCommit<A extends unknown[], R>(
  db: Database.Database,
  write: (...args: A) => R,
  syncedLater: (...args: A) => boolean = () => false,
): (...args: A) => Promise<R> {
  const committer = committerOf(db);
  // A savepoint inside the group's transaction: a failing write undoes only itself.
  const each = db.transaction((args: A) => write(...args));
  return (...args: A) =>
    new Promise<R>((resolve, reject) => {
      committer.enqueue({
        run: () => each(args),
        sync: !syncedLater(...args),
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
