/**
 * The operations part of the store contract (OpsStore: topics, subscriptions, the notification
 * delivery queue, approvals), through the ports only, so every adapter runs it:
 * `opsStoreContract(name, factory)` with a fresh, empty store per test. Approvals settle
 * workflow tasks, so the store also holds the WorkflowStore. An adapter whose stores can share
 * one database as several nodes also passes `nodes`, which runs the cases that only hold if
 * the database decides.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { StoreConflictError } from "../../src/store/errors.js";
import type {
  ApprovalChange,
  ApprovalRecord,
  NewNotificationDelivery,
  OpsStore,
  SubscriptionRecord,
  TopicRecord,
  VoteVerdict,
} from "../../src/store/ops-port.js";
import { InvalidPageTokenError } from "../../src/store/paging.js";
import type { WorkflowStore } from "../../src/store/workflows-port.js";
import { drain, newExecution, T0, task } from "./fixtures.js";

/** What the suite needs: operations, and workflows for the tasks approvals settle. */
export type OpsContractStore = WorkflowStore & OpsStore;

/** Options of the suite. */
export interface OpsContractOptions {
  /** Why the suite is skipped, if it is. */
  skip?: string | false;
  /**
   * Delivery leases are held by other nodes too, so recoverNotificationLeases must keep live
   * ones (the embedded store serves one process: there it forgets them all).
   */
  leasesSurviveRecovery?: boolean;
  /** Stores on one shared database, as separate nodes; `close` closes them all. */
  nodes?: () => Promise<{ stores: OpsContractStore[]; close(): Promise<void> }>;
}

const TOPIC_PREFIX = "arn:aws:sns:us-east-1:123456789012";
const LEASE = 60_000;

const topic = (name: string, overrides: Partial<TopicRecord> = {}): TopicRecord => ({
  name,
  arn: `${TOPIC_PREFIX}:${name}`,
  createdAt: T0,
  ...overrides,
});

function subscription(
  id: string,
  topicName: string,
  overrides: Partial<SubscriptionRecord> = {},
): SubscriptionRecord {
  return {
    id,
    arn: `${TOPIC_PREFIX}:${topicName}:${id}`,
    topicArn: `${TOPIC_PREFIX}:${topicName}`,
    protocol: "https",
    endpoint: `https://hooks.example.com/${id}`,
    status: "confirmed",
    createdAt: T0,
    ...overrides,
  };
}

const mail = (to: string, subject = `to ${to}`): NewNotificationDelivery => ({
  protocol: "email",
  endpoint: to,
  subject,
  body: `Hello ${to}`,
});

const hook = (subscriptionId: string): NewNotificationDelivery => ({
  subscriptionId,
  protocol: "https",
  endpoint: `https://hooks.example.com/${subscriptionId}`,
  body: '{"Type":"Notification"}',
});

function request(
  id: string,
  taskToken: string,
  overrides: Partial<Omit<ApprovalRecord, "votes">> = {},
): Omit<ApprovalRecord, "votes"> {
  return {
    id,
    taskToken,
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:M:${taskToken}`,
    stateName: "Approve",
    title: `Approve ${id}`,
    approvers: ["user:alice", "user:bob", "user:carol", "group:ops"],
    quorum: 1,
    allowSelfApproval: false,
    escalations: 0,
    status: "PENDING",
    createdAt: T0,
    ...overrides,
  };
}

/** Decides as the approval service would: any rejection rejects, `quorum` approvals approve. */
function byQuorum(approval: ApprovalRecord): VoteVerdict {
  const rejecters = approval.votes.filter((v) => v.vote === "reject");
  if (rejecters.length > 0)
    return {
      kind: "decide",
      status: "REJECTED",
      outcome: { error: "Approval.Rejected", cause: rejecters.map((v) => v.voter).join(",") },
    };
  const approvers = approval.votes.filter((v) => v.vote === "approve").map((v) => v.voter);
  if (approvers.length >= approval.quorum)
    return { kind: "decide", status: "APPROVED", outcome: { output: JSON.stringify(approvers) } };
  return { kind: "record" };
}

const approve = (voter: string, at = T0 + 1, via = "api") => ({
  voter,
  vote: "approve" as const,
  via,
  at,
});

const exists = (error: unknown) => error instanceof StoreConflictError && error.reason === "exists";

/**
 * Starts execution `name` with one task waiting for its token (as an approval task does);
 * returns the token and the execution's ARN.
 */
async function waitingTask(
  store: OpsContractStore,
  name: string,
): Promise<{ token: string; arn: string }> {
  const execution = newExecution(name);
  const arn = execution.record.arn;
  assert.equal((await store.startExecution(execution)).created, true);
  const claimed = await store.claimExecution(arn, "setup", T0, LEASE);
  assert.ok(claimed, `claim ${name}`);
  const token = `token-${name}`;
  const lost = await store.commit([
    {
      arn,
      fence: claimed.fence,
      record: { status: "RUNNING" },
      state: claimed.state,
      nextEventId: claimed.nextEventId,
      events: [],
      newTasks: [
        task(arn, token, {
          kind: "callback",
          awaitsToken: true,
          resource: "arn:aws:states:::opsflow:approval.waitForTaskToken",
        }),
      ],
      consumedTasks: [],
      cancelledTasks: [],
      childExecutions: [],
    },
  ]);
  assert.deepEqual(lost, []);
  return { token, arn };
}

/** Opens a request on a fresh waiting task of its own. */
async function opened(
  store: OpsContractStore,
  id: string,
  overrides: Partial<Omit<ApprovalRecord, "votes">> = {},
  deliveries: NewNotificationDelivery[] = [],
): Promise<ApprovalRecord> {
  const { token, arn } = await waitingTask(store, id);
  return store.openApproval(request(id, token, { executionArn: arn, ...overrides }), {
    messageId: `approval-${id}`,
    deliveries,
  });
}

/** Runs the operations store contract against the stores `factory` opens. */
export function opsStoreContract(
  name: string,
  factory: () => Promise<OpsContractStore & { close(): Promise<void> }>,
  options: OpsContractOptions = {},
): void {
  describe(`ops store contract: ${name}`, { skip: options.skip }, () => {
    let store: OpsContractStore & { close(): Promise<void> };
    beforeEach(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await store.close();
    });

    describe("topics and subscriptions", () => {
      test("create, get by name or ARN, list by name; a taken name or ARN is refused", async () => {
        await store.createTopic(topic("b-alerts", { displayName: "Alerts", createdAt: T0 + 1 }));
        await store.createTopic(topic("a-ops"));
        await assert.rejects(store.createTopic(topic("a-ops", { arn: "arn:other" })), exists);
        await assert.rejects(
          store.createTopic(topic("c-new", { arn: `${TOPIC_PREFIX}:a-ops` })),
          exists,
        );
        assert.deepEqual(
          await store.getTopic("b-alerts"),
          topic("b-alerts", { displayName: "Alerts", createdAt: T0 + 1 }),
        );
        assert.deepEqual(await store.getTopic(`${TOPIC_PREFIX}:a-ops`), topic("a-ops"));
        assert.equal(await store.getTopic("c-new"), undefined);
        assert.deepEqual(
          (await store.listTopics()).map((t) => t.name),
          ["a-ops", "b-alerts"],
        );
      });

      test("deleting a topic deletes its subscriptions, not others'", async () => {
        await store.createTopic(topic("a"));
        await store.createTopic(topic("b"));
        await store.createSubscription(subscription("s1", "a"));
        await store.createSubscription(subscription("s2", "b"));
        assert.equal(await store.deleteTopic("a"), true);
        assert.equal(await store.deleteTopic("a"), false);
        assert.equal(await store.getTopic("a"), undefined);
        assert.equal(await store.getSubscription("s1"), undefined);
        assert.deepEqual(await store.listSubscriptions(`${TOPIC_PREFIX}:a`), []);
        assert.deepEqual(await store.getSubscription("s2"), subscription("s2", "b"));
        // The name is free again.
        await store.createTopic(topic("a"));
      });

      test("subscriptions: every field round-trips; listed per topic by creation, then id", async () => {
        await store.createTopic(topic("t"));
        const full = subscription("s-b", "t", {
          protocol: "email",
          endpoint: "ann@example.com",
          status: "pending",
          sealedSecret: "sealed",
          confirmTokenHash: "hash-1",
          createdAt: T0 + 5,
        });
        const confirmed = subscription("s-c", "t", { confirmedAt: T0 + 2, createdAt: T0 + 1 });
        await store.createSubscription(full);
        await store.createSubscription(confirmed);
        await store.createSubscription(subscription("s-a", "t", { createdAt: T0 + 5 }));
        await store.createSubscription(subscription("other", "u"));
        assert.deepEqual(await store.getSubscription("s-b"), full);
        assert.deepEqual(await store.getSubscription("s-c"), confirmed);
        assert.equal(await store.getSubscription("nope"), undefined);
        assert.deepEqual(
          (await store.listSubscriptions(`${TOPIC_PREFIX}:t`)).map((s) => s.id),
          ["s-c", "s-a", "s-b"],
        );
        assert.equal(await store.deleteSubscription("s-a"), true);
        assert.equal(await store.deleteSubscription("s-a"), false);
        assert.deepEqual(
          (await store.listSubscriptions(`${TOPIC_PREFIX}:t`)).map((s) => s.id),
          ["s-c", "s-b"],
        );
      });

      test("a pending subscription is confirmed once, by its token hash", async () => {
        await store.createTopic(topic("t"));
        const pending = subscription("s", "t", {
          protocol: "email",
          endpoint: "ann@example.com",
          status: "pending",
          confirmTokenHash: "hash-s",
        });
        await store.createSubscription(pending);
        assert.equal(await store.confirmSubscription("other-hash", T0 + 9), undefined);
        const confirmed = await store.confirmSubscription("hash-s", T0 + 9);
        const { confirmTokenHash: _, ...rest } = pending;
        const expected = { ...rest, status: "confirmed", confirmedAt: T0 + 9 };
        assert.deepEqual(confirmed, expected);
        assert.deepEqual(await store.getSubscription("s"), expected);
        assert.equal(await store.confirmSubscription("hash-s", T0 + 10), undefined);
      });
    });

    describe("messages and deliveries", () => {
      test("a message is stored with its deliveries, pending and due at once", async () => {
        const result = await store.publishMessage(
          {
            id: "m1",
            topicArn: `${TOPIC_PREFIX}:t`,
            message: "hello",
            publishedAt: T0,
          },
          [hook("s1"), mail("ann@example.com")],
        );
        assert.equal(result.created, true);
        const { items } = await store.listNotificationDeliveries(
          { messageId: "m1" },
          { limit: 10 },
        );
        assert.deepEqual(
          items.map(({ id: _, ...rest }) => rest),
          [
            {
              ...hook("s1"),
              messageId: "m1",
              topicArn: `${TOPIC_PREFIX}:t`,
              status: "pending",
              attempts: 0,
              nextAttemptAt: T0,
              createdAt: T0,
              updatedAt: T0,
            },
            {
              ...mail("ann@example.com"),
              messageId: "m1",
              topicArn: `${TOPIC_PREFIX}:t`,
              status: "pending",
              attempts: 0,
              nextAttemptAt: T0,
              createdAt: T0,
              updatedAt: T0,
            },
          ],
        );
        assert.ok(items[0].id < items[1].id, "deliveries keep the order given");
        assert.equal(await store.nextNotificationDeliveryAt(), T0);
      });

      test("a repeated idempotency key stores nothing and returns the first message", async () => {
        const first = {
          id: "m1",
          topicArn: `${TOPIC_PREFIX}:t`,
          subject: "Subject",
          message: '{"default":"x","email":"y"}',
          structure: "json" as const,
          attributes: '{"a":{"DataType":"String","StringValue":"1"}}',
          idempotencyKey: "task-key",
          publishedAt: T0,
        };
        assert.deepEqual(await store.publishMessage(first, [hook("s1")]), {
          message: first,
          created: true,
        });
        const again = await store.publishMessage(
          { id: "m2", message: "other", idempotencyKey: "task-key", publishedAt: T0 + 5 },
          [hook("s1"), hook("s2")],
        );
        assert.deepEqual(again, { message: first, created: false });
        assert.deepEqual(
          (await store.listNotificationDeliveries({ messageId: "m2" }, { limit: 10 })).items,
          [],
        );
        assert.equal(
          (await store.listNotificationDeliveries({}, { limit: 10 })).items.length,
          1,
          "only the first message's delivery",
        );
        // Messages without a key are never taken for each other.
        for (const id of ["n1", "n2"])
          assert.equal(
            (await store.publishMessage({ id, message: "x", publishedAt: T0 }, [])).created,
            true,
          );
      });

      test("claims lease due deliveries in due order; a leased one is not claimed until its lease ends", async () => {
        await store.publishMessage({ id: "early", message: "x", publishedAt: T0 }, [
          hook("a"),
          hook("b"),
          hook("c"),
        ]);
        await store.publishMessage({ id: "late", message: "x", publishedAt: T0 + 100 }, [
          hook("d"),
        ]);
        const first = await store.claimNotificationDeliveries("node-a/n", T0 + 10, 1000, 2);
        assert.deepEqual(
          first.map((d) => d.subscriptionId),
          ["a", "b"],
        );
        assert.equal(first[0].body, hook("a").body);
        assert.deepEqual(
          (await store.claimNotificationDeliveries("node-a/n", T0 + 20, 1000, 10)).map(
            (d) => d.subscriptionId,
          ),
          ["c"],
          "the late one is not due yet",
        );
        assert.deepEqual(
          await store.claimNotificationDeliveries("node-a/n", T0 + 30, 1000, 10),
          [],
        );
        assert.equal(await store.nextNotificationDeliveryAt(), T0 + 100);
        assert.deepEqual(
          (await store.claimNotificationDeliveries("node-a/n", T0 + 100, 1000, 10)).map(
            (d) => d.subscriptionId,
          ),
          ["d"],
        );
        // Everything is leased now: the next one is due when the first lease ends.
        assert.equal(await store.nextNotificationDeliveryAt(), T0 + 1010);
        assert.deepEqual(
          (await store.claimNotificationDeliveries("node-a/n", T0 + 1010, 1000, 10)).map(
            (d) => d.subscriptionId,
          ),
          ["a", "b"],
          "a lease that ended is claimed again",
        );
      });

      test("settling: delivered and failed end it; a retry counts the attempt and waits; an ended one does not change", async () => {
        await store.publishMessage({ id: "m", message: "x", publishedAt: T0 }, [
          hook("ok"),
          hook("flaky"),
          hook("dead"),
        ]);
        const claimed = await store.claimNotificationDeliveries("node-a/n", T0, LEASE, 10);
        const id = (sub: string) => claimed.find((d) => d.subscriptionId === sub)?.id as number;
        await store.settleNotificationDelivery(id("ok"), { kind: "delivered" }, T0 + 1);
        await store.settleNotificationDelivery(
          id("flaky"),
          { kind: "retry", at: T0 + 500, error: "HTTP 503" },
          T0 + 1,
        );
        await store.settleNotificationDelivery(
          id("dead"),
          { kind: "failed", error: "HTTP 410" },
          T0 + 1,
        );
        // A late second outcome for an ended delivery is ignored.
        await store.settleNotificationDelivery(id("ok"), { kind: "failed", error: "late" }, T0 + 2);
        const all = (await store.listNotificationDeliveries({ messageId: "m" }, { limit: 10 }))
          .items;
        const of = (sub: string) => all.find((d) => d.subscriptionId === sub);
        assert.deepEqual(
          [of("ok")?.status, of("ok")?.attempts, of("ok")?.lastError, of("ok")?.updatedAt],
          ["delivered", 1, undefined, T0 + 1],
        );
        assert.deepEqual(
          [of("flaky")?.status, of("flaky")?.attempts, of("flaky")?.lastError],
          ["pending", 1, "HTTP 503"],
        );
        assert.equal(of("flaky")?.nextAttemptAt, T0 + 500);
        assert.deepEqual(
          [of("dead")?.status, of("dead")?.attempts, of("dead")?.lastError],
          ["failed", 1, "HTTP 410"],
        );
        // The retry is due at its time, lease or not.
        assert.equal(await store.nextNotificationDeliveryAt(), T0 + 500);
        assert.deepEqual(
          await store.claimNotificationDeliveries("node-a/n", T0 + 499, LEASE, 10),
          [],
        );
        const again = await store.claimNotificationDeliveries("node-a/n", T0 + 500, LEASE, 10);
        assert.deepEqual(
          again.map((d) => [d.subscriptionId, d.attempts]),
          [["flaky", 1]],
        );
        await store.settleNotificationDelivery(again[0].id, { kind: "delivered" }, T0 + 501);
        assert.equal(await store.nextNotificationDeliveryAt(), undefined);
        const done = (
          await store.listNotificationDeliveries({ status: "delivered" }, { limit: 10 })
        ).items;
        assert.deepEqual(
          done.map((d) => [d.subscriptionId, d.attempts]),
          [
            ["ok", 1],
            ["flaky", 2],
          ],
        );
      });

      test("recoverNotificationLeases: a restarted node's leases are free, another node's as the adapter serves", async () => {
        await store.publishMessage({ id: "m", message: "x", publishedAt: T0 }, [
          hook("a"),
          hook("b"),
          hook("c"),
        ]);
        assert.equal((await store.claimNotificationDeliveries("node-a/n", T0, 100, 1)).length, 1);
        assert.equal(
          (await store.claimNotificationDeliveries("node-b/n", T0 + 50, 1000, 1)).length,
          1,
        );
        assert.equal(
          (await store.claimNotificationDeliveries("node-c/n", T0 + 50, 1000, 1)).length,
          1,
        );
        await store.recoverNotificationLeases("node-c/");
        const claimed = (
          await store.claimNotificationDeliveries("node-c/n", T0 + 100, LEASE, 10)
        ).map((d) => d.subscriptionId);
        if (options.leasesSurviveRecovery)
          assert.deepEqual(
            claimed,
            ["a", "c"],
            "expired and the restarted node's own are free; another node's live lease is kept",
          );
        else assert.deepEqual(claimed, ["a", "b", "c"], "one process: every lease was stale");
        const pending = await store.listNotificationDeliveries(
          { status: "pending" },
          { limit: 10 },
        );
        assert.equal(pending.items.length, 3, "recovery changes no delivery's state");
      });

      test("the listing filters by topic, message and status and pages by id", async () => {
        for (let i = 0; i < 5; i++)
          await store.publishMessage(
            {
              id: `m${i}`,
              topicArn: `${TOPIC_PREFIX}:${i % 2 === 0 ? "even" : "odd"}`,
              message: "x",
              publishedAt: T0 + i,
            },
            [hook(`s${i}`), hook(`t${i}`)],
          );
        const all = await drain((page) => store.listNotificationDeliveries({}, page), 3);
        assert.equal(all.items.length, 10);
        assert.equal(all.pages, 4);
        const ids = all.items.map((d) => d.id);
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
        );
        const even = await drain(
          (page) => store.listNotificationDeliveries({ topicArn: `${TOPIC_PREFIX}:even` }, page),
          2,
        );
        assert.deepEqual(
          even.items.map((d) => d.subscriptionId),
          ["s0", "t0", "s2", "t2", "s4", "t4"],
        );
        const one = await store.listNotificationDeliveries({ messageId: "m3" }, { limit: 10 });
        assert.deepEqual(
          one.items.map((d) => d.subscriptionId),
          ["s3", "t3"],
        );
        await store.settleNotificationDelivery(
          one.items[0].id,
          { kind: "failed", error: "x" },
          T0 + 9,
        );
        assert.deepEqual(
          (
            await store.listNotificationDeliveries(
              { topicArn: `${TOPIC_PREFIX}:odd`, status: "failed" },
              { limit: 10 },
            )
          ).items.map((d) => d.subscriptionId),
          ["s3"],
        );
        assert.deepEqual(
          (
            await store.listNotificationDeliveries(
              { topicArn: `${TOPIC_PREFIX}:even`, status: "failed" },
              { limit: 10 },
            )
          ).items,
          [],
        );
        await assert.rejects(
          store.listNotificationDeliveries({}, { limit: 2, nextToken: "%%%" }),
          InvalidPageTokenError,
        );
      });
    });

    describe("approvals", () => {
      test("openApproval stores the request and queues its mails; the same task token returns the first request", async () => {
        const { token, arn } = await waitingTask(store, "full");
        const full = request("a1", token, {
          executionArn: arn,
          description: "Restart the database",
          data: '{"host":"db1"}',
          requester: "dave",
          allowSelfApproval: true,
          quorum: 2,
          deadlineAt: T0 + 3_600_000,
          onDeadline: {
            action: "Escalate",
            approvers: ["user:erin"],
            seconds: 600,
            next: { action: "Reject" },
          },
        });
        const first = await store.openApproval(full, {
          messageId: "approval-a1",
          deliveries: [mail("alice@example.com"), mail("bob@example.com")],
        });
        assert.deepEqual(first, { ...full, votes: [] });
        assert.deepEqual(await store.getApproval("a1"), { ...full, votes: [] });
        const again = await store.openApproval(request("a2", token, { executionArn: arn }), {
          messageId: "approval-a2",
          deliveries: [mail("carol@example.com")],
        });
        assert.deepEqual(again, first, "a re-run finds the request its first run opened");
        assert.equal(await store.getApproval("a2"), undefined);
        const mails = (await store.listNotificationDeliveries({}, { limit: 10 })).items;
        assert.deepEqual(
          mails.map((d) => [d.messageId, d.endpoint, d.status, d.topicArn, d.subscriptionId]),
          [
            ["approval-a1", "alice@example.com", "pending", undefined, undefined],
            ["approval-a1", "bob@example.com", "pending", undefined, undefined],
          ],
        );
        assert.equal(mails[0].nextAttemptAt, T0);
        // A bare request has none of the optional fields.
        const bare = await opened(store, "bare");
        for (const key of ["description", "data", "requester", "deadlineAt", "onDeadline"])
          assert.equal(key in bare, false, key);
        assert.equal(bare.allowSelfApproval, false);
        assert.equal(await store.getApproval("nope"), undefined);
      });

      test("the listing filters by status and pages by creation time, then id", async () => {
        await opened(store, "c", { createdAt: T0 + 1 });
        await opened(store, "b", { createdAt: T0 + 1 });
        await opened(store, "z", { createdAt: T0 });
        await opened(store, "a", { createdAt: T0 + 2 });
        const all = await drain((page) => store.listApprovals({}, page), 3);
        assert.deepEqual(
          all.items.map((a) => a.id),
          ["z", "b", "c", "a"],
        );
        assert.equal(all.pages, 2);
        const decided = await store.voteApproval("b", approve("alice"), byQuorum, T0 + 1);
        assert.equal(decided.kind, "decided");
        const pending = await drain((page) => store.listApprovals({ status: "PENDING" }, page), 1);
        assert.deepEqual(
          pending.items.map((a) => a.id),
          ["z", "c", "a"],
        );
        const approved = await store.listApprovals({ status: "APPROVED" }, { limit: 10 });
        assert.deepEqual(
          approved.items.map((a) => [a.id, a.votes.map((v) => v.voter)]),
          [["b", ["alice"]]],
        );
        await assert.rejects(
          store.listApprovals(
            {},
            { limit: 1, nextToken: Buffer.from('"x"').toString("base64url") },
          ),
          InvalidPageTokenError,
        );
      });

      test("votes are recorded in order; the verdict sees the request with the new vote; one vote per person", async () => {
        await opened(store, "q", { quorum: 3 });
        const seen: string[][] = [];
        const recording = (approval: ApprovalRecord): VoteVerdict => {
          seen.push(approval.votes.map((v) => v.voter));
          return byQuorum(approval);
        };
        const bob = await store.voteApproval(
          "q",
          { voter: "bob", vote: "approve", comment: "fine", via: "link", at: T0 + 2 },
          recording,
          T0 + 2,
        );
        assert.equal(bob.kind, "recorded");
        const alice = await store.voteApproval("q", approve("alice", T0 + 3), recording, T0 + 3);
        assert.equal(alice.kind, "recorded");
        assert.deepEqual(seen, [["bob"], ["bob", "alice"]]);
        const stored = await store.getApproval("q");
        assert.deepEqual(stored?.votes, [
          { voter: "bob", vote: "approve", comment: "fine", via: "link", at: T0 + 2 },
          approve("alice", T0 + 3),
        ]);
        assert.equal(stored?.status, "PENDING");
        const twice = await store.voteApproval("q", approve("bob", T0 + 4), recording, T0 + 4);
        assert.equal(twice.kind === "refused" && twice.code, "conflict");
        assert.equal(seen.length, 2, "a refused vote does not reach the verdict");
        assert.equal((await store.getApproval("q"))?.votes.length, 2);
      });

      test("a verdict's refusal records nothing", async () => {
        await opened(store, "r");
        const refused = await store.voteApproval(
          "r",
          approve("mallory"),
          () => ({ kind: "refuse", code: "forbidden", reason: "mallory is not an approver" }),
          T0 + 1,
          "link-digest",
        );
        assert.deepEqual(refused, {
          kind: "refused",
          code: "forbidden",
          reason: "mallory is not an approver",
        });
        assert.deepEqual((await store.getApproval("r"))?.votes, []);
        assert.equal(await store.isApprovalLinkUsed("link-digest"), false);
      });

      test("a deciding vote settles the task in the same transaction; later votes are refused", async () => {
        const opening = await opened(store, "d", { quorum: 2 });
        await store.voteApproval("d", approve("alice"), byQuorum, T0 + 1);
        const change = await store.voteApproval("d", approve("bob", T0 + 2), byQuorum, T0 + 2);
        assert.equal(change.kind, "decided");
        assert.ok(change.kind === "decided" && change.settled);
        const decided = (change as Extract<ApprovalChange, { kind: "decided" }>).approval;
        assert.equal(decided.status, "APPROVED");
        assert.equal(decided.decidedAt, T0 + 2);
        assert.equal(decided.decidedBy, "alice,bob");
        assert.deepEqual(await store.getApproval("d"), decided);
        const settled = await store.getTask(opening.taskToken);
        assert.equal(settled?.status, "succeeded");
        assert.equal(settled?.output, '["alice","bob"]');
        const late = await store.voteApproval("d", approve("carol", T0 + 3), byQuorum, T0 + 3);
        assert.equal(late.kind === "refused" && late.code, "conflict");
        assert.equal((await store.getApproval("d"))?.votes.length, 2);
      });

      test("a rejection fails the task; decidedBy names the rejecters only", async () => {
        const opening = await opened(store, "n", { quorum: 2 });
        await store.voteApproval("n", approve("alice"), byQuorum, T0 + 1);
        const change = await store.voteApproval(
          "n",
          { voter: "bob", vote: "reject", comment: "not now", via: "api", at: T0 + 2 },
          byQuorum,
          T0 + 2,
        );
        assert.ok(change.kind === "decided" && change.settled);
        assert.equal(change.approval.status, "REJECTED");
        assert.equal(change.approval.decidedBy, "bob");
        const failed = await store.getTask(opening.taskToken);
        assert.deepEqual(
          [failed?.status, failed?.error, failed?.cause],
          ["failed", "Approval.Rejected", "bob"],
        );
      });

      test("a decision for a task that no longer waits cancels the request instead", async () => {
        const opening = await opened(store, "gone");
        assert.equal(
          await store.settleTask(opening.taskToken, { error: "States.Timeout" }, T0 + 1),
          "settled",
        );
        const change = await store.voteApproval("gone", approve("alice"), byQuorum, T0 + 2);
        assert.equal(change.kind, "decided");
        assert.ok(change.kind === "decided" && !change.settled);
        assert.equal(change.approval.status, "CANCELLED");
        assert.equal((await store.getTask(opening.taskToken))?.error, "States.Timeout");
      });

      test("unknown requests are not found; votes at or after the deadline are refused as expired", async () => {
        const unknown = await store.voteApproval("nope", approve("alice"), byQuorum, T0 + 1);
        assert.equal(unknown.kind === "refused" && unknown.code, "not-found");
        await opened(store, "late", { deadlineAt: T0 + 100 });
        const expired = await store.voteApproval("late", approve("alice"), byQuorum, T0 + 100);
        assert.equal(expired.kind === "refused" && expired.code, "expired");
        assert.equal((await store.getApproval("late"))?.status, "PENDING");
        const inTime = await store.voteApproval("late", approve("alice"), byQuorum, T0 + 99);
        assert.equal(inTime.kind, "decided");
      });

      test("a link is single-use: the vote marks its digest; another vote with it is refused", async () => {
        await opened(store, "l", { quorum: 3 });
        assert.equal(await store.isApprovalLinkUsed("digest-1"), false);
        const first = await store.voteApproval(
          "l",
          approve("alice", T0 + 1, "link"),
          byQuorum,
          T0 + 1,
          "digest-1",
        );
        assert.equal(first.kind, "recorded");
        assert.equal(await store.isApprovalLinkUsed("digest-1"), true);
        assert.equal(await store.isApprovalLinkUsed("digest-2"), false);
        const reused = await store.voteApproval(
          "l",
          approve("bob", T0 + 2, "link"),
          byQuorum,
          T0 + 2,
          "digest-1",
        );
        assert.deepEqual(reused, {
          kind: "refused",
          code: "conflict",
          reason: "This link was already used.",
        });
        assert.deepEqual(
          (await store.getApproval("l"))?.votes.map((v) => v.voter),
          ["alice"],
        );
      });

      test("due requests: pending ones whose deadline is at or before now, earliest first", async () => {
        assert.equal(await store.nextApprovalDeadline(), undefined);
        await opened(store, "later", { deadlineAt: T0 + 200 });
        await opened(store, "sooner", { deadlineAt: T0 + 100 });
        await opened(store, "never");
        await opened(store, "decided", { deadlineAt: T0 + 50 });
        await store.voteApproval("decided", approve("alice"), byQuorum, T0 + 1);
        assert.equal(await store.nextApprovalDeadline(), T0 + 100);
        assert.deepEqual(await store.dueApprovals(T0 + 99), []);
        assert.deepEqual(
          (await store.dueApprovals(T0 + 100)).map((a) => a.id),
          ["sooner"],
        );
        const due = await store.dueApprovals(T0 + 1000);
        assert.deepEqual(
          due.map((a) => a.id),
          ["sooner", "later"],
        );
        assert.deepEqual(due[0], await store.getApproval("sooner"));
      });

      test("a deadline is applied once, only while the request is pending with that deadline", async () => {
        const opening = await opened(store, "e", { deadlineAt: T0 + 100 });
        const expire = () =>
          ({
            kind: "decide",
            status: "EXPIRED",
            outcome: { error: "Approval.Expired", cause: "nobody decided" },
          }) as const;
        const early = await store.applyApprovalDeadline("e", T0 + 100, expire, T0 + 99);
        assert.equal(early.kind === "refused" && early.code, "conflict");
        const other = await store.applyApprovalDeadline("e", T0 + 50, expire, T0 + 100);
        assert.equal(other.kind === "refused" && other.code, "conflict");
        const missing = await store.applyApprovalDeadline("nope", T0 + 100, expire, T0 + 100);
        assert.equal(missing.kind, "refused");
        assert.equal((await store.getApproval("e"))?.status, "PENDING");
        const change = await store.applyApprovalDeadline("e", T0 + 100, expire, T0 + 101);
        assert.ok(change.kind === "decided" && change.settled);
        assert.deepEqual(
          [change.approval.status, change.approval.decidedBy, change.approval.decidedAt],
          ["EXPIRED", "opsflow:deadline", T0 + 101],
        );
        assert.equal((await store.getTask(opening.taskToken))?.error, "Approval.Expired");
        const twice = await store.applyApprovalDeadline("e", T0 + 100, expire, T0 + 102);
        assert.equal(twice.kind, "refused");
        assert.deepEqual(await store.dueApprovals(T0 + 1000), []);
      });

      test("an escalation hands the request to new approvers with a new deadline and mails them", async () => {
        await opened(store, "x", {
          deadlineAt: T0 + 100,
          onDeadline: {
            action: "Escalate",
            approvers: ["user:erin"],
            seconds: 60,
            next: { action: "Expire" },
          },
        });
        await store.voteApproval("x", approve("alice"), () => ({ kind: "record" }), T0 + 1);
        const change = await store.applyApprovalDeadline(
          "x",
          T0 + 100,
          () => ({
            kind: "escalate",
            approvers: ["user:erin"],
            deadlineAt: T0 + 60_100,
            onDeadline: { action: "Expire" },
          }),
          T0 + 100,
          { messageId: "approval-x-1", deliveries: [mail("erin@example.com")] },
        );
        assert.equal(change.kind, "escalated");
        const escalated = await store.getApproval("x");
        assert.deepEqual(change.kind === "escalated" && change.approval, escalated);
        assert.deepEqual(
          [
            escalated?.status,
            escalated?.approvers,
            escalated?.deadlineAt,
            escalated?.onDeadline,
            escalated?.escalations,
            escalated?.votes.map((v) => v.voter),
          ],
          ["PENDING", ["user:erin"], T0 + 60_100, { action: "Expire" }, 1, ["alice"]],
        );
        const mails = (
          await store.listNotificationDeliveries({ messageId: "approval-x-1" }, { limit: 10 })
        ).items;
        assert.deepEqual(
          mails.map((d) => [d.endpoint, d.nextAttemptAt]),
          [["erin@example.com", T0 + 100]],
        );
        assert.deepEqual(await store.dueApprovals(T0 + 100), []);
        assert.equal(await store.nextApprovalDeadline(), T0 + 60_100);
        // The old deadline no longer applies.
        const stale = await store.applyApprovalDeadline(
          "x",
          T0 + 100,
          () => ({ kind: "decide", status: "EXPIRED", outcome: { error: "e", cause: "c" } }),
          T0 + 200,
        );
        assert.equal(stale.kind, "refused");
      });

      test("moot requests (their task no longer waits) are cancelled, of one execution or all", async () => {
        const waiting = await opened(store, "waiting");
        const stopped = await opened(store, "stopped");
        const other = await opened(store, "other");
        await opened(store, "decided");
        await store.voteApproval("decided", approve("alice"), byQuorum, T0 + 1);
        for (const r of [stopped, other])
          await store.settleTask(r.taskToken, { error: "States.Aborted" }, T0 + 2);
        assert.deepEqual(await store.cancelMootApprovals(waiting.executionArn, T0 + 3), []);
        assert.deepEqual(await store.cancelMootApprovals(stopped.executionArn, T0 + 3), [
          "stopped",
        ]);
        const cancelled = await store.getApproval("stopped");
        assert.deepEqual(
          [cancelled?.status, cancelled?.decidedBy, cancelled?.decidedAt],
          ["CANCELLED", "opsflow:task-ended", T0 + 3],
        );
        assert.equal((await store.getApproval("other"))?.status, "PENDING");
        assert.deepEqual(await store.cancelMootApprovals(undefined, T0 + 4), ["other"]);
        assert.deepEqual(await store.cancelMootApprovals(undefined, T0 + 5), []);
        assert.equal((await store.getApproval("waiting"))?.status, "PENDING");
        assert.equal((await store.getApproval("decided"))?.status, "APPROVED");
      });
    });

    const nodes = options.nodes;
    describe("several nodes on one database", { skip: nodes ? false : "one process only" }, () => {
      let stores: OpsContractStore[];
      let closeNodes: () => Promise<void>;
      beforeEach(async () => {
        if (!nodes) return;
        ({ stores, close: closeNodes } = await nodes());
      });
      afterEach(async () => {
        await closeNodes?.();
      });

      test("two votes that would each reach the quorum, on two nodes at once, decide once", async () => {
        for (let round = 0; round < 5; round++) {
          const id = `race-${round}`;
          const opening = await opened(stores[0], id, { quorum: 2 });
          await stores[1].voteApproval(id, approve("alice"), byQuorum, T0 + 1);
          const changes = await Promise.all([
            stores[0].voteApproval(id, approve("bob", T0 + 2), byQuorum, T0 + 2),
            stores[1].voteApproval(id, approve("carol", T0 + 2), byQuorum, T0 + 2),
          ]);
          const kinds = changes.map((c) => c.kind).sort();
          assert.deepEqual(kinds, ["decided", "refused"], `round ${round}`);
          const refused = changes.find((c) => c.kind === "refused");
          assert.equal(refused?.kind === "refused" && refused.code, "conflict");
          const final = await stores[0].getApproval(id);
          assert.equal(final?.status, "APPROVED");
          assert.equal(final?.votes.length, 2, "the loser's vote is not recorded");
          assert.equal(
            (await stores[1].getTask(opening.taskToken))?.output,
            JSON.stringify(final?.votes.map((v) => v.voter)),
          );
        }
      });

      test("a deadline applied by two nodes at once is applied once", async () => {
        for (let round = 0; round < 3; round++) {
          const id = `deadline-${round}`;
          await opened(stores[0], id, { deadlineAt: T0 + 10 });
          const expire = () =>
            ({
              kind: "decide",
              status: "EXPIRED",
              outcome: { error: "Approval.Expired", cause: "late" },
            }) as const;
          const changes = await Promise.all(
            stores.map((s) => s.applyApprovalDeadline(id, T0 + 10, expire, T0 + 10)),
          );
          assert.deepEqual(changes.map((c) => c.kind).sort(), ["decided", "refused"]);
          assert.ok(changes.some((c) => c.kind === "decided" && c.settled));
        }
      });

      test("one link used on two nodes at once counts once", async () => {
        await opened(stores[0], "link", { quorum: 3 });
        const changes = await Promise.all(
          stores.map((s) =>
            s.voteApproval("link", approve("alice", T0 + 1, "link"), byQuorum, T0 + 1, "digest"),
          ),
        );
        assert.deepEqual(changes.map((c) => c.kind).sort(), ["recorded", "refused"]);
        assert.equal((await stores[1].getApproval("link"))?.votes.length, 1);
      });

      test("two nodes claiming deliveries at once take different ones", async () => {
        const deliveries = Array.from({ length: 20 }, (_, i) => hook(`s${i}`));
        await stores[0].publishMessage({ id: "m", message: "x", publishedAt: T0 }, deliveries);
        const [a, b] = await Promise.all(
          stores.map((s) => s.claimNotificationDeliveries("node-a/n", T0, LEASE, 10)),
        );
        const ids = [...a, ...b].map((d) => d.id);
        assert.equal(new Set(ids).size, ids.length, "no delivery is claimed twice");
        assert.equal(ids.length, 20, "together they take every due delivery");
        assert.deepEqual(
          await stores[1].claimNotificationDeliveries("node-a/n", T0 + 1, LEASE, 10),
          [],
        );
      });

      test("one publish, one approval, one confirmation repeated on two nodes at once are stored once", async () => {
        const publishes = await Promise.all(
          stores.map((s, i) =>
            s.publishMessage(
              { id: `m${i}`, message: "x", idempotencyKey: "task-key", publishedAt: T0 },
              [hook(`s${i}`), hook(`t${i}`)],
            ),
          ),
        );
        assert.deepEqual(publishes.map((p) => p.created).sort(), [false, true]);
        assert.equal(publishes[0].message.id, publishes[1].message.id);
        const deliveries = (await stores[0].listNotificationDeliveries({}, { limit: 10 })).items;
        assert.deepEqual(
          deliveries.map((d) => d.messageId),
          [publishes[0].message.id, publishes[0].message.id],
        );

        const { token, arn } = await waitingTask(stores[0], "twice");
        const approvals = await Promise.all(
          stores.map((s, i) =>
            s.openApproval(request(`a${i}`, token, { executionArn: arn }), {
              messageId: `approval-a${i}`,
              deliveries: [mail("alice@example.com")],
            }),
          ),
        );
        assert.equal(approvals[0].id, approvals[1].id);
        const mails = await stores[1].listNotificationDeliveries(
          { messageId: `approval-${approvals[0].id}` },
          { limit: 10 },
        );
        assert.equal(mails.items.length, 1);

        await stores[0].createSubscription(
          subscription("s", "t", { status: "pending", confirmTokenHash: "h" }),
        );
        const confirmations = await Promise.all(
          stores.map((s) => s.confirmSubscription("h", T0 + 1)),
        );
        assert.equal(confirmations.filter((c) => c !== undefined).length, 1);
      });

      test("a node's recovery at start-up leaves another node's live leases alone", async () => {
        await stores[0].publishMessage({ id: "m", message: "x", publishedAt: T0 }, [hook("a")]);
        assert.equal(
          (await stores[0].claimNotificationDeliveries("node-a/n", T0, LEASE, 10)).length,
          1,
        );
        await stores[1].recoverNotificationLeases("node-b/");
        assert.deepEqual(
          await stores[1].claimNotificationDeliveries("node-a/n", T0 + 1, LEASE, 10),
          [],
        );
        assert.equal(
          (await stores[1].claimNotificationDeliveries("node-a/n", T0 + LEASE, LEASE, 10)).length,
          1,
          "the lease of a node that died expires",
        );
      });
    });
  });
}
