/** The identity store contract against the SQLite adapter (file and :memory:). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { identityStoreContract } from "./identity-contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-identity-store-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

identityStoreContract("sqlite file", async () =>
  openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") }),
);
identityStoreContract("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }));
