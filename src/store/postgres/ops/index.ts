/**
 * The operations and incidents ports on PostgreSQL: topics, subscriptions, the notification
 * delivery queue and approvals (OpsStore), and incidents (IncidentStore), for any number of
 * nodes sharing one database.
 */
import type { OpsStore } from "../../ops-port.js";
import type { PostgresDatabase } from "../database.js";
import { postgresApprovalStore } from "./approvals.js";
import { postgresDeliveryStore } from "./deliveries.js";
import { postgresTopicStore } from "./topics.js";

export { postgresIncidentStore } from "./incidents.js";

/** The operations store on `db`. */
export function postgresOpsStore(db: PostgresDatabase): OpsStore {
  return {
    ...postgresTopicStore(db),
    ...postgresDeliveryStore(db),
    ...postgresApprovalStore(db),
  } satisfies OpsStore;
}
