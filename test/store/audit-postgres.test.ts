/**
 * The audit store contract against the PostgreSQL adapter, each store in a schema of its own;
 * and what only a database shared with other code can show: the trail refuses changes.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { postgresAuditStore } from "../../src/store/postgres/identity/audit.js";
import { auditStoreContract } from "./audit-contract.js";
import { freshPostgres, skipPostgres } from "./postgres.js";

auditStoreContract(
  "postgres",
  async () => {
    const db = await freshPostgres();
    return { ...postgresAuditStore(db), close: () => db.close() };
  },
  { skip: skipPostgres },
);

describe("postgres audit trail", { skip: skipPostgres }, () => {
  test("is append-only: updates, deletes and truncation of its tables are refused", async () => {
    const db = await freshPostgres();
    try {
      await postgresAuditStore(db).appendAudit({
        id: "e1",
        at: 1,
        service: "rest",
        action: "A",
        resources: ["arn:x"],
        outcome: "Success",
      });
      for (const statement of [
        "UPDATE audit_events SET action = 'B'",
        "DELETE FROM audit_events",
        "TRUNCATE audit_events CASCADE",
        "UPDATE audit_resources SET resource = 'arn:y'",
        "DELETE FROM audit_resources",
        "TRUNCATE audit_resources",
      ])
        await assert.rejects(db.run(statement), /append-only/, statement);
      const rows = await db.rows("SELECT action FROM audit_events");
      assert.deepEqual(rows, [{ action: "A" }]);
    } finally {
      await db.close();
    }
  });
});
