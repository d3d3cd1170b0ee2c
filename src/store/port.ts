/**
 * The whole store: every domain's port, as the composition root assembles it. Services take
 * only the ports they use; adapters (sqlite/, postgres/) implement each port in a module of
 * its own, and `test/store/*-contract.ts` hold one suite per port that every adapter passes.
 */
import type { AuditStore } from "./audit-port.js";
import type { EventStore } from "./events-port.js";
import type { FleetStore } from "./fleet-port.js";
import type { FunctionStore } from "./functions-port.js";
import type { IdentityStore } from "./identity-port.js";
import type { IncidentStore } from "./incidents-port.js";
import type { OpsStore } from "./ops-port.js";
import type { ParameterStore } from "./parameters-port.js";
import type { SignInThrottleStore } from "./sign-in-port.js";
import type { TeamStore } from "./teams-port.js";
import type { WorkflowStore } from "./workflows-port.js";

/** Every port of one database, and closing it. */
export interface Store
  extends WorkflowStore,
    EventStore,
    OpsStore,
    IncidentStore,
    IdentityStore,
    AuditStore,
    ParameterStore,
    SignInThrottleStore,
    TeamStore,
    FunctionStore,
    FleetStore {
  /** True when the database answers and holds every migration this opsflow knows. */
  ready(): Promise<boolean>;
  /** Commits what was promised, then closes the database. */
  close(): Promise<void>;
}
