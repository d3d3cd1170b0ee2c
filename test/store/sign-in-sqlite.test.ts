/** The sign-in throttle store contract against the SQLite adapter (file and :memory:). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { signInStoreContract } from "./sign-in-contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-sign-in-store-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

signInStoreContract("sqlite file", async () =>
  openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") }),
);
signInStoreContract("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }));
