/**
 * The operations part of the SQLite store (see OpsStore in ops-port.ts): notifications and
 * approvals, incidents. `groupCommittedOps` lists the writes on hot paths shared with concurrent peers.
 */
import type Database from "better-sqlite3";
import type { TaskSettlement } from "../../port.js";
import { approvalQueries } from "./approvals.js";
import { incidentQueries } from "./incidents.js";
import { notificationQueries } from "./notifications.js";

/** Every operations query, synchronous; `settleTask` is the task store's (same database). */
export function opsQueries(
  db: Database.Database,
  settleTask: (
    token: string,
    outcome: { output: string } | { error: string; cause?: string },
    now: number,
  ) => TaskSettlement,
) {
  const notifications = notificationQueries(db);
  const { enqueueNotifications, ...rest } = notifications;
  return {
    ...rest,
    ...approvalQueries(db, { settleTask, enqueueNotifications }),
    ...incidentQueries(db),
  };
}

/** Writes committed in groups (each in its own savepoint). */
export const groupCommittedOps = ["publishMessage", "settleNotificationDelivery"] as const;
