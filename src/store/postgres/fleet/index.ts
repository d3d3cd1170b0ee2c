/**
 * The fleet part of the PostgreSQL store (FleetStore), assembled from one module per
 * concern. Changes that give nodes work NOTIFY them on {@link FLEET_CHANNEL}; every server
 * node LISTENs, so the node an agent polls is woken whichever node made the change.
 */
import type { FleetStore } from "../../fleet-port.js";
import type { PostgresDatabase } from "../database.js";
import { postgresCommandMethods } from "./commands.js";
import { postgresDocumentMethods } from "./documents.js";
import { postgresNodeMethods } from "./nodes.js";
import { postgresOutputMethods } from "./output.js";
import { FLEET_CHANNEL } from "./settle.js";

/** The FleetStore on `db`. */
export function postgresFleetStore(db: PostgresDatabase): FleetStore {
  return {
    ...postgresNodeMethods(db),
    ...postgresDocumentMethods(db),
    ...postgresCommandMethods(db),
    ...postgresOutputMethods(db),
    onFleetWork: (listener) =>
      db.listen(FLEET_CHANNEL, (payload) => {
        const ids = payload.split(",").filter((id) => id !== "");
        if (ids.length > 0) listener(ids);
      }),
  };
}
