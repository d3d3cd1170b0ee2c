/** The teams contract against the SQLite adapter (a file, and `:memory:`). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { T0 } from "./fixtures.js";
import { teamsContract } from "./teams-contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-teams-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

// Memberships name users: SQLite's foreign key wants them to exist.
const addUser = (store: Store, name: string) =>
  store.createUser({ name, createdAt: T0, updatedAt: T0 });

teamsContract(
  "sqlite file",
  async () => openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") }),
  { addUser },
);
teamsContract("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }), { addUser });
