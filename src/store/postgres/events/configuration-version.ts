/**
 * The event bus configuration's version: a counter that triggers (migration 005) move with
 * every change to buses, rules, targets and archives, whichever node makes it.
 */
import type { EventStore } from "../../events-port.js";
import type { PostgresDatabase } from "../database.js";

/** The configuration version query. */
export function postgresEventConfigurationVersion(
  db: PostgresDatabase,
): Pick<EventStore, "eventConfigurationVersion"> {
  return {
    async eventConfigurationVersion() {
      const row = await db.row<{ version: number }>("SELECT version FROM event_configuration");
      return String(row?.version ?? 0);
    },
  };
}
