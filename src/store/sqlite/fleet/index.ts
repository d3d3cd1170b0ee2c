/**
 * The fleet part of the SQLite store (FleetStore), assembled from one module per concern.
 * One process per database: nothing on another node needs waking, so onFleetWork never
 * calls its listener.
 */
import type Database from "better-sqlite3";
import { commandQueries } from "./commands.js";
import { documentQueries } from "./documents.js";
import { nodeQueries } from "./nodes.js";
import { outputQueries } from "./output.js";
import { settlementQueries } from "./settle.js";

/** The fleet operations on `db`, synchronous (the store wraps them in promises). */
export function fleetQueries(db: Database.Database) {
  const settlement = settlementQueries(db);
  return {
    ...nodeQueries(db, settlement),
    ...documentQueries(db),
    ...commandQueries(db, settlement),
    ...outputQueries(db),
  };
}
