/**
 * Approvals on an in-process server (real SMTP server, adjustable clock): a workflow asks for
 * approval and resumes with the decision, through the API and through the emailed link;
 * quorum; rejection caught by Catch; self-approval; one vote per person; concurrent decisions;
 * expiry and escalation with a fast-forwarded clock; forged, reused and expired links; bad
 * parameters.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import {
  AdjustableClock,
  call,
  finished,
  run,
  startOpsServer,
  startSmtp,
  tokenFor,
  until,
} from "./helpers.js";

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let url: string;
const clock = new AdjustableClock();
const tokens: Record<string, string> = {};
let machines = 0;

before(async () => {
  smtp = await startSmtp();
  server = await startOpsServer(clock, { mail: { smtpUrl: smtp.url } });
  url = server.url;
  for (const user of ["alice", "bob", "carol", "dave@example.com"])
    tokens[user] = await tokenFor(server, user);
});
after(async () => {
  await server?.close();
  await smtp?.close();
});

/** Starts a workflow whose approval step has these parameters; Rejected/Expired are caught. */
async function ask(parameters: object, catchAll = true) {
  const arn = await run(url, `approve-${++machines}`, {
    StartAt: "Ask",
    States: {
      Ask: {
        Type: "Task",
        Resource: "arn:aws:states:::opsflow:approval.waitForTaskToken",
        Parameters: parameters,
        ...(catchAll && {
          Catch: [
            { ErrorEquals: ["Approval.Rejected"], ResultPath: "$.failure", Next: "Rejected" },
          ],
        }),
        Next: "Done",
      },
      Done: { Type: "Pass", End: true },
      ...(catchAll && { Rejected: { Type: "Pass", End: true } }),
    },
  });
  const approval = await until(async () => {
    const list = await call(url, "GET", "/v1/approvals?status=PENDING");
    return list.body.items.find((a: { executionArn: string }) => a.executionArn === arn);
  });
  return { arn, id: approval.id as string };
}

const vote = (id: string, user: string, decision: "approve" | "reject", comment?: string) =>
  call(url, "POST", `/v1/approvals/${id}/${decision}`, comment ? { comment } : {}, tokens[user]);

describe("deciding through the API", () => {
  test("the workflow resumes with the decision: who, comments and the data", async () => {
    const { arn, id } = await ask({
      Title: "Restart db1?",
      Description: "db1 is unresponsive",
      Data: { host: "db1", action: "restart" },
      Approvers: ["alice", "user:bob"],
    });
    const shown = await call(url, "GET", `/v1/approvals/${id}`);
    assert.equal(shown.body.status, "PENDING");
    assert.deepEqual(shown.body.approvers, ["user:alice", "user:bob"]);
    assert.deepEqual(shown.body.data, { host: "db1", action: "restart" });
    assert.equal(shown.body.taskToken, undefined);
    const mine = await call(url, "GET", "/v1/approvals?mine=true", undefined, tokens.bob);
    assert.ok(mine.body.items.some((a: { id: string }) => a.id === id));
    const notMine = await call(url, "GET", "/v1/approvals?mine=true", undefined, tokens.carol);
    assert.ok(!notMine.body.items.some((a: { id: string }) => a.id === id));

    const approved = await vote(id, "bob", "approve", "go ahead");
    assert.equal(approved.status, 200, JSON.stringify(approved.body));
    assert.equal(approved.body.status, "APPROVED");
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(execution.output.Status, "APPROVED");
    assert.deepEqual(execution.output.DecidedBy, ["bob"]);
    assert.deepEqual(execution.output.Comments, ["go ahead"]);
    assert.deepEqual(execution.output.Data, { host: "db1", action: "restart" });
    assert.equal(execution.output.Votes[0].User, "bob");
    assert.equal(execution.output.Votes[0].Via, "api");
    // Once decided it never changes.
    const late = await vote(id, "alice", "reject", "too late");
    assert.equal(late.status, 409);
    assert.match(late.body.error.message, /already decided \(APPROVED\)/);
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.votes.length, 1);
  });

  test("a quorum of 2 needs two different approvers; one vote per person", async () => {
    const { arn, id } = await ask({
      Title: "Deploy",
      Approvers: ["alice", "bob", "carol"],
      Quorum: 2,
    });
    assert.equal((await vote(id, "alice", "approve")).body.status, "PENDING");
    const twice = await vote(id, "alice", "approve");
    assert.equal(twice.status, 409);
    assert.match(twice.body.error.message, /one vote per person/);
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.status, "PENDING");
    assert.equal((await vote(id, "carol", "approve", "ok")).body.status, "APPROVED");
    const execution = await finished(url, arn);
    assert.deepEqual(execution.output.DecidedBy, ["alice", "carol"]);
  });

  test("a rejection fails the task with Approval.Rejected, which Catch handles", async () => {
    const { arn, id } = await ask({
      Title: "Delete bucket",
      Approvers: ["alice", "bob"],
      Quorum: 2,
    });
    await vote(id, "alice", "approve");
    assert.equal((await vote(id, "bob", "reject", "not on a Friday")).body.status, "REJECTED");
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(execution.output.failure.Error, "Approval.Rejected");
    const cause = JSON.parse(execution.output.failure.Cause);
    assert.deepEqual(cause.DecidedBy, ["bob"]);
    assert.deepEqual(cause.Comments, ["not on a Friday"]);
  });

  test("the requester cannot approve their own request unless it allows it; others cannot vote", async () => {
    const { id } = await ask({ Title: "Mine", Approvers: ["alice", "bob"], Requester: "alice" });
    const self = await vote(id, "alice", "approve");
    assert.equal(self.status, 403);
    assert.match(self.body.error.message, /cannot approve/);
    const stranger = await vote(id, "carol", "approve");
    assert.equal(stranger.status, 403);
    assert.match(stranger.body.error.message, /not an approver/);
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.votes.length, 0);
    await vote(id, "bob", "reject");

    const allowed = await ask({
      Title: "Mine too",
      Approvers: ["alice"],
      Requester: "alice",
      AllowSelfApproval: true,
    });
    assert.equal((await vote(allowed.id, "alice", "approve")).status, 200);
    assert.equal((await finished(url, allowed.arn)).status, "SUCCEEDED");
  });

  test("two concurrent decisions: exactly one outcome", async () => {
    for (let round = 0; round < 5; round++) {
      const { arn, id } = await ask({ Title: `Race ${round}`, Approvers: ["alice", "bob"] });
      const [a, b] = await Promise.all([vote(id, "alice", "approve"), vote(id, "bob", "reject")]);
      const winners = [a, b].filter((r) => r.status === 200);
      assert.equal(winners.length, 1, `${a.status} ${b.status}`);
      const loser = a.status === 200 ? b : a;
      assert.equal(loser.status, 409);
      const final = (await call(url, "GET", `/v1/approvals/${id}`)).body;
      assert.equal(final.votes.length, 1);
      const execution = await finished(url, arn);
      assert.equal(final.status, winners[0].body.status);
      assert.equal(execution.output.Status ?? "REJECTED", final.status);
    }
  });
});

describe("group approvers and the end of the workflow", () => {
  test("a group approver votes as a member of the group; others are not approvers", async () => {
    assert.equal((await call(url, "POST", "/v1/groups", { name: "dba" })).status, 201);
    assert.equal((await call(url, "PUT", "/v1/groups/dba/members/carol")).status, 204);
    const { arn, id } = await ask({ Title: "Vacuum db1", Approvers: ["group:dba"] });
    const mine = await call(url, "GET", "/v1/approvals?mine=true", undefined, tokens.carol);
    assert.ok(mine.body.items.some((a: { id: string }) => a.id === id));
    const outsider = await vote(id, "alice", "approve");
    assert.equal(outsider.status, 403);
    assert.match(outsider.body.error.message, /not an approver/);
    assert.equal((await vote(id, "carol", "approve", "fine")).body.status, "APPROVED");
    const execution = await finished(url, arn);
    assert.deepEqual(execution.output.DecidedBy, ["carol"]);
  });

  test("stopping the execution cancels its pending request; a later vote changes nothing", async () => {
    const { arn, id } = await ask({ Title: "Abandoned", Approvers: ["alice"] });
    const stopped = await call(url, "POST", `/v1/executions/${encodeURIComponent(arn)}/stop`, {});
    assert.ok(stopped.status < 300, JSON.stringify(stopped.body));
    const cancelled = await until(async () => {
      const body = (await call(url, "GET", `/v1/approvals/${id}`)).body;
      return body.status === "PENDING" ? undefined : body;
    });
    assert.equal(cancelled.status, "CANCELLED");
    assert.equal(cancelled.decidedBy, "opsflow:task-ended");
    const pending = (await call(url, "GET", "/v1/approvals?mine=true", undefined, tokens.alice))
      .body;
    assert.ok(!pending.items.some((a: { id: string }) => a.id === id));
    const late = await vote(id, "alice", "approve");
    assert.equal(late.status, 409);
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.votes.length, 0);
  });
});

describe("deadlines (fast-forwarded clock)", () => {
  test("an undecided request expires: the task fails with Approval.Expired", async () => {
    const { arn, id } = await ask(
      { Title: "Expiring", Approvers: ["alice"], DeadlineSeconds: 3600 },
      false,
    );
    clock.advance(3601_000);
    const execution = await finished(url, arn);
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "Approval.Expired");
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.status, "EXPIRED");
    const late = await vote(id, "alice", "approve");
    assert.equal(late.status, 409);
  });

  test("a vote after the deadline, before the timer ran, is refused as expired", async () => {
    const { id } = await ask({
      Title: "Almost",
      Approvers: ["alice"],
      DeadlineSeconds: 60,
      OnDeadline: "Approve",
    });
    // Both the vote and the timer look at the same clock: the vote must not win after it.
    clock.advance(61_000);
    const response = await vote(id, "alice", "reject");
    assert.ok([409, 410].includes(response.status), JSON.stringify(response.body));
    const final = await until(async () => {
      const body = (await call(url, "GET", `/v1/approvals/${id}`)).body;
      return body.status === "PENDING" ? undefined : body;
    });
    assert.equal(final.status, "APPROVED");
    assert.equal(final.decidedBy, "opsflow:deadline");
  });

  test("escalation hands the request to other approvers with a new deadline", async () => {
    const { arn, id } = await ask({
      Title: "Escalating",
      Approvers: ["alice"],
      DeadlineSeconds: 60,
      OnDeadline: "Escalate",
      Escalation: { Approvers: ["carol"], DeadlineSeconds: 120, OnDeadline: "Reject" },
    });
    clock.advance(61_000);
    const escalated = await until(async () => {
      const body = (await call(url, "GET", `/v1/approvals/${id}`)).body;
      return body.escalations === 1 ? body : undefined;
    });
    assert.deepEqual(escalated.approvers, ["user:carol"]);
    assert.equal(escalated.status, "PENDING");
    assert.equal((await vote(id, "alice", "approve")).status, 403);
    clock.advance(121_000);
    const execution = await finished(url, arn);
    assert.equal(execution.output.failure.Error, "Approval.Rejected");
    assert.deepEqual(JSON.parse(execution.output.failure.Cause).DecidedBy, ["opsflow:deadline"]);
  });
});

describe("signed email links", () => {
  const linksIn = async (title: string) => {
    const mail = await until(() =>
      smtp.mails.find((m) => m.subject === `Approval needed: ${title}`),
    );
    assert.deepEqual(mail.to, ["dave@example.com"]);
    return {
      approve: /Approve: (\S+)/.exec(mail.text)?.[1] as string,
      reject: /Reject:\s+(\S+)/.exec(mail.text)?.[1] as string,
      text: mail.text,
    };
  };

  test("the approver approves through the emailed link; the link works once", async () => {
    const { arn, id } = await ask({
      Title: "Rotate keys",
      Data: { key: "AKIA..." },
      Approvers: ["dave@example.com"],
      DeadlineSeconds: 86_400,
    });
    const links = await linksIn("Rotate keys");
    assert.match(links.text, /"key": "AKIA\.\.\."/);
    const page = await fetch(links.approve);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Approve: Rotate keys/);
    assert.equal((await call(url, "GET", `/v1/approvals/${id}`)).body.status, "PENDING");

    const forged = await fetch(`${links.approve.slice(0, -3)}abc`, { method: "POST" });
    assert.equal(forged.status, 401);
    // The reject link, with the approve link's signature: altered claims do not verify.
    const [payload] = links.reject.split("/").pop()?.split(".") ?? [];
    const signature = links.approve.split(".").pop();
    const swapped = await fetch(`${url}/links/approvals/${payload}.${signature}`, {
      method: "POST",
    });
    assert.equal(swapped.status, 401);

    const voted = await fetch(links.approve, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "comment=rotated+is+fine",
    });
    assert.equal(voted.status, 200, await voted.clone().text());
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED");
    assert.deepEqual(execution.output.DecidedBy, ["dave@example.com"]);
    assert.equal(execution.output.Votes[0].Via, "link");
    assert.deepEqual(execution.output.Comments, ["rotated is fine"]);

    const reused = await fetch(links.approve, { method: "POST" });
    assert.equal(reused.status, 409);
    const other = await fetch(links.reject, { method: "POST" });
    assert.equal(other.status, 409);
  });

  test("users and group members with an email address get their own links", async () => {
    await tokenFor(server, "frank");
    assert.equal(
      (await call(url, "PUT", "/v1/users/bob/email", { email: "bob@corp.example" })).status,
      204,
    );
    assert.equal(
      (await call(url, "PUT", "/v1/users/frank/email", { email: "frank@corp.example" })).status,
      204,
    );
    const badEmail = await call(url, "PUT", "/v1/users/carol/email", { email: "not an address" });
    assert.equal(badEmail.status, 400);
    assert.equal((await call(url, "GET", "/v1/users/carol")).body.email, undefined);
    assert.equal((await call(url, "POST", "/v1/groups", { name: "release" })).status, 201);
    assert.equal((await call(url, "PUT", "/v1/groups/release/members/frank")).status, 204);
    // carol is in the group too, but has no address: she votes through the API or console.
    assert.equal((await call(url, "PUT", "/v1/groups/release/members/carol")).status, 204);
    const { arn } = await ask({ Title: "Ship 2.0", Approvers: ["bob", "group:release"] });
    const mails = await until(() => {
      const found = smtp.mails.filter((m) => m.subject === "Approval needed: Ship 2.0");
      return found.length === 2 ? found : undefined;
    });
    assert.deepEqual(mails.map((m) => m.to[0]).sort(), ["bob@corp.example", "frank@corp.example"]);
    const frank = mails.find((m) => m.to[0] === "frank@corp.example");
    const approve = /Approve: (\S+)/.exec(frank?.text ?? "")?.[1] as string;
    assert.equal((await fetch(approve, { method: "POST" })).status, 200);
    const execution = await finished(url, arn);
    assert.deepEqual(execution.output.DecidedBy, ["frank"]);
  });

  test("an expired link is refused", async () => {
    const { id } = await ask({
      Title: "Short",
      Approvers: ["dave@example.com"],
      DeadlineSeconds: 30,
    });
    const links = await linksIn("Short");
    clock.advance(31_000);
    const response = await fetch(links.approve, { method: "POST" });
    assert.equal(response.status, 410);
    assert.notEqual((await call(url, "GET", `/v1/approvals/${id}`)).body.status, "APPROVED");
  });
});

describe("bad parameters open nothing", () => {
  test("unknown approvers, unreachable quorum, bad deadlines: Approval.InvalidRequest", async () => {
    const before = (await call(url, "GET", "/v1/approvals?limit=1000")).body.items.length;
    const cases: [object, RegExp][] = [
      [{ Title: "x", Approvers: ["bad name!"] }, /unknown approver/],
      [{ Title: "x", Approvers: ["alice", "bob"], Quorum: 3 }, /can never be reached/],
      [{ Title: "x", Approvers: [] }, /1-50 approvers/],
      [{ Approvers: ["alice"] }, /Title/],
      [{ Title: "x", Approvers: ["alice"], OnDeadline: "Approve" }, /need DeadlineSeconds/],
      [
        { Title: "x", Approvers: ["alice"], DeadlineSeconds: 5, OnDeadline: "Escalate" },
        /Escalation/,
      ],
      [{ Title: "x", Approvers: ["alice"], Colour: "red" }, /Unknown parameter 'Colour'/],
    ];
    for (const [parameters, message] of cases) {
      const arn = await run(url, `bad-${++machines}`, {
        StartAt: "Ask",
        States: {
          Ask: {
            Type: "Task",
            Resource: "arn:aws:states:::opsflow:approval.waitForTaskToken",
            Parameters: parameters,
            End: true,
          },
        },
      });
      const execution = await finished(url, arn);
      assert.equal(execution.status, "FAILED");
      assert.equal(execution.error, "Approval.InvalidRequest");
      assert.match(execution.cause, message);
    }
    assert.equal((await call(url, "GET", "/v1/approvals?limit=1000")).body.items.length, before);
  });

  test("decisions on unknown requests and bodies with unknown members are 4xx", async () => {
    assert.equal((await vote("ghost", "alice", "approve")).status, 404);
    const bad = await call(
      url,
      "POST",
      "/v1/approvals/ghost/approve",
      { comment: 5 },
      tokens.alice,
    );
    assert.equal(bad.status, 400);
    const anonymous = await fetch(`${url}/v1/approvals`);
    assert.equal(anonymous.status, 401);
  });
});
