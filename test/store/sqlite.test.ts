/**
 * The store contract against the SQLite adapter: a real database file in a temporary
 * directory, and `:memory:`. Plus what only a file can show: data survives reopening.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { openSqliteStore } from "../../src/store/sqlite/index.js";
import { storeContract } from "./contract.js";

const root = mkdtempSync(join(tmpdir(), "opsflow-store-"));
let files = 0;
after(() => rmSync(root, { recursive: true, force: true }));

storeContract("sqlite file", async () =>
  openSqliteStore({ path: join(root, `store-${files++}`, "opsflow.db") }),
);
storeContract("sqlite :memory:", async () => openSqliteStore({ path: ":memory:" }));

describe("sqlite file store", () => {
  test("keeps its data across a reopen, and migrating again changes nothing", async () => {
    const path = join(root, "reopen", "opsflow.db");
    const first = openSqliteStore({ path });
    await first.createActivity("arn:aws:states:us-east-1:123456789012:activity:q", "q", 1);
    await first.close();
    const second = openSqliteStore({ path });
    try {
      assert.deepEqual(
        await second.getActivity("arn:aws:states:us-east-1:123456789012:activity:q"),
        { arn: "arn:aws:states:us-east-1:123456789012:activity:q", name: "q", createdAt: 1 },
      );
    } finally {
      await second.close();
    }
  });
});
