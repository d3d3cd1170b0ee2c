/** The route sets of the operations services (notifications, approvals, email links, incidents). */
import type { Ops } from "../../ops/server.js";
import type { RouteSet } from "../app.js";
import { approvalRoutes } from "./approvals.js";
import { incidentRoutes } from "./incidents.js";
import { linkRoutes } from "./links.js";
import { notificationRoutes } from "./notifications.js";

/** Every operations route set, for the composition root. */
export function opsRoutes(ops: Ops): RouteSet[] {
  return [
    notificationRoutes(ops.notifications),
    approvalRoutes(ops.approvals),
    linkRoutes(ops.notifications, ops.approvals),
    incidentRoutes(ops.incidents),
  ];
}
