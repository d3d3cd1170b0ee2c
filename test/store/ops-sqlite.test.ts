/** The ops and incident store contracts against the SQLite adapter (file and :memory:). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { incidentStoreContract } from "./incidents-contract.js";
import { opsStoreContract } from "./ops-contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-ops-store-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

const file = async () => openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") });
const memory = async () => openSqliteStore({ path: ":memory:" });

opsStoreContract("sqlite file", file);
opsStoreContract("sqlite :memory:", memory);
incidentStoreContract("sqlite file", file);
incidentStoreContract("sqlite :memory:", memory);
