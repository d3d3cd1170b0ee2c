/** The fleet store contract against the SQLite adapter (file and :memory:). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { fleetStoreContract } from "./fleet-contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-fleet-store-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

fleetStoreContract("sqlite file", async () =>
  openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") }),
);
fleetStoreContract("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }));
