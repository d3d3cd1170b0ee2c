/**
 * The audit part of the store contract (AuditStore), through the port only, so every adapter
 * runs it: `auditStoreContract(name, factory)` with a fresh, empty store per test. Lookups are
 * newest first, in the order events were appended.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import type { AuditEventRecord, AuditFilter, AuditStore } from "../../src/store/audit-port.js";
import { InvalidPageTokenError } from "../../src/store/paging.js";
import { T0 } from "./fixtures.js";

/** An AuditStore that can be closed. */
export type ClosableAuditStore = AuditStore & { close(): Promise<void> };

const event = (n: number, overrides: Partial<AuditEventRecord> = {}): AuditEventRecord => ({
  id: `0190${String(n).padStart(4, "0")}-0000-7000-8000-000000000000`,
  at: T0 + n,
  service: "rest",
  action: `Action${n % 3}`,
  resources: [`arn:r:${n}`],
  outcome: "Success",
  ...overrides,
});

/** Runs the contract against the stores `factory` opens. */
export function auditStoreContract(
  name: string,
  factory: () => Promise<ClosableAuditStore>,
  options: { skip?: string | false } = {},
): void {
  describe(`audit store contract: ${name}`, { skip: options.skip }, () => {
    let store: ClosableAuditStore;
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    /** Every event the filter matches, read `limit` at a time; also how many pages. */
    async function all(filter: AuditFilter, limit: number) {
      const items: AuditEventRecord[] = [];
      let nextToken: string | undefined;
      let pages = 0;
      do {
        const page = await store.lookupAudit(filter, nextToken ? { limit, nextToken } : { limit });
        assert.ok(page.items.length <= limit);
        items.push(...page.items);
        nextToken = page.nextToken;
        pages++;
        assert.ok(pages < 100, "paging terminates");
      } while (nextToken);
      return { ids: items.map((e) => e.at - T0), pages };
    }

    test("events come back as appended, every field, optional ones only when given", async () => {
      const full = event(1, {
        user: "ann",
        credentialKind: "accessKey",
        credentialId: "AKIA1",
        resources: ["arn:a", "arn:b"],
        parameters: '{"name":"x","secret":"***"}',
        sourceIp: "10.0.0.1",
        userAgent: "aws-cli/2",
        outcome: "Failure",
        errorCode: "ValidationException",
        errorMessage: "bad input",
      });
      const bare = event(2, { resources: [] });
      await store.appendAudit(full);
      await store.appendAudit(bare);
      assert.deepEqual(await store.lookupAudit({}, { limit: 10 }), { items: [bare, full] });
    });

    test("newest first in append order, paged without gaps or repeats", async () => {
      // Times out of order: the order is that of appending.
      for (const n of [3, 1, 2, 6, 5, 4, 7]) await store.appendAudit(event(n));
      const { ids, pages } = await all({}, 3);
      assert.deepEqual(ids, [7, 4, 5, 6, 2, 1, 3]);
      assert.equal(pages, 3);
      const first = await store.lookupAudit({}, { limit: 3 });
      assert.ok(first.nextToken);
      // Events appended after a page was read come before it, not in the pages after it.
      await store.appendAudit(event(8));
      const second = await store.lookupAudit({}, { limit: 3, nextToken: first.nextToken });
      assert.deepEqual(
        second.items.map((e) => e.at - T0),
        [6, 2, 1],
      );
    });

    test("a last page that is exactly full has no next token", async () => {
      for (let n = 1; n <= 6; n++) await store.appendAudit(event(n));
      const first = await store.lookupAudit({}, { limit: 3 });
      const second = await store.lookupAudit({}, { limit: 3, nextToken: first.nextToken });
      assert.equal(second.items.length, 3);
      assert.equal(second.nextToken, undefined);
      assert.equal((await store.lookupAudit({}, { limit: 6 })).nextToken, undefined);
    });

    test("filters: user, credential, action, resource and inclusive times, all of them together", async () => {
      for (let n = 1; n <= 12; n++)
        await store.appendAudit(
          event(n, {
            ...(n % 2 === 0 && { user: "ann", credentialId: "AKIA1" }),
            ...(n % 2 === 1 && { user: "bob", credentialId: "tok-1" }),
            resources: n % 4 === 0 ? ["arn:shared", "arn:shared", `arn:r:${n}`] : [`arn:r:${n}`],
          }),
        );
      assert.deepEqual((await all({ user: "ann" }, 2)).ids, [12, 10, 8, 6, 4, 2]);
      assert.deepEqual((await all({ credentialId: "tok-1" }, 4)).ids, [11, 9, 7, 5, 3, 1]);
      assert.deepEqual((await all({ action: "Action0" }, 100)).ids, [12, 9, 6, 3]);
      assert.deepEqual(
        (await all({ resource: "arn:shared" }, 1)).ids,
        [12, 8, 4],
        "a resource named twice in one event finds it once",
      );
      assert.deepEqual((await all({ resource: "arn:r:5" }, 10)).ids, [5]);
      assert.deepEqual((await all({ startTime: T0 + 4, endTime: T0 + 7 }, 3)).ids, [7, 6, 5, 4]);
      assert.deepEqual((await all({ startTime: T0 + 11 }, 3)).ids, [12, 11]);
      assert.deepEqual((await all({ endTime: T0 + 1 }, 3)).ids, [1]);
      assert.deepEqual(
        (await all({ user: "ann", action: "Action0", resource: "arn:shared", endTime: T0 + 11 }, 1))
          .ids,
        [],
      );
      assert.deepEqual(
        (await all({ user: "ann", resource: "arn:shared", startTime: T0 + 5 }, 1)).ids,
        [12, 8],
      );
      assert.deepEqual((await all({ user: "carol" }, 5)).ids, []);
      assert.deepEqual((await all({ resource: "arn:none" }, 5)).ids, []);
    });

    test("a token that is not one the store issued is refused", async () => {
      await store.appendAudit(event(1));
      for (const nextToken of [
        "%%% not a token %%%",
        Buffer.from('"seq"').toString("base64url"),
        Buffer.from("1.5").toString("base64url"),
      ])
        await assert.rejects(
          store.lookupAudit({}, { limit: 5, nextToken }),
          (error) => error instanceof InvalidPageTokenError,
        );
    });
  });
}
