/**
 * The workflows port on PostgreSQL, shared by every node of a cluster: each method is its
 * own transaction; leases, fences and wake times live in the database.
 */
import type { WorkflowStore } from "../../workflows-port.js";
import type { PostgresDatabase } from "../database.js";
import { activityQueries } from "./activities.js";
import { claimQueries } from "./claims.js";
import { commitQueries } from "./commit.js";
import { executionQueries } from "./executions.js";
import { stateMachineQueries } from "./state-machines.js";
import { taskQueries } from "./tasks.js";
import { WAKE_CHANNEL } from "./wake.js";

/** The workflow store on `db`. */
export function postgresWorkflowStore(db: PostgresDatabase): WorkflowStore {
  return {
    ...stateMachineQueries(db),
    ...executionQueries(db),
    ...claimQueries(db),
    ...commitQueries(db),
    ...taskQueries(db),
    ...activityQueries(db),
    onExecutionsDue: (listener) => db.listen(WAKE_CHANNEL, () => listener()),
  } satisfies WorkflowStore;
}
