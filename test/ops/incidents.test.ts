/**
 * Incidents on a real in-process server: dedup by key (from the API and from events through a
 * workflow), validated transitions (a refused one changes nothing), a workflow opening and
 * resolving an incident, every change on the event bus, and the CLI.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import { runCliAsync, serverEnv } from "../cli/helpers.js";
import {
  AdjustableClock,
  call,
  finished,
  run,
  startHooks,
  startOpsServer,
  tokenFor,
  until,
} from "./helpers.js";

let server: RunningServer;
let url: string;
let hooks: Awaited<ReturnType<typeof startHooks>>;

before(async () => {
  hooks = await startHooks();
  server = await startOpsServer(new AdjustableClock(), {});
  url = server.url;
  // Every incident event goes to a webhook through a topic: the bus's real path.
  await call(url, "POST", "/v1/topics", { name: "incident-events" });
  await call(url, "POST", "/v1/topics/incident-events/subscriptions", {
    protocol: "http",
    endpoint: `${hooks.url}/incidents`,
  });
  await call(url, "PUT", "/v1/rules/incident-events", {
    eventPattern: { source: ["opsflow.incidents"] },
  });
  await call(url, "PUT", "/v1/rules/incident-events/targets", {
    targets: [{ Id: "topic", Arn: "arn:aws:sns:us-east-1:123456789012:incident-events" }],
  });
});
after(async () => {
  await server?.close();
  await hooks?.close();
});

/** The bus events received for an incident, in order of arrival. */
const eventsOf = (id: string) =>
  hooks.calls
    .filter((c) => c.path === "/incidents")
    .map((c) => JSON.parse(JSON.parse(c.body).Message))
    .filter((e) => e.detail.incidentId === id);

const open = async (body: object) => {
  const response = await call(url, "POST", "/v1/incidents", body);
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body;
};

describe("dedup", () => {
  test("an incident with the same dedup key adds to the open one's timeline", async () => {
    const first = await open({ title: "db1 down", severity: "high", dedupKey: "db1" });
    const second = await open({ title: "db1 still down", dedupKey: "db1", sourceEvent: { n: 2 } });
    assert.equal(second.id, first.id);
    assert.equal(second.title, "db1 down");
    assert.deepEqual(
      second.timeline.map((e: { kind: string }) => e.kind),
      ["opened", "event"],
    );
    assert.deepEqual(second.timeline[1].data.event, { n: 2 });
    const listed = await call(url, "GET", "/v1/incidents?dedupKey=db1");
    assert.equal(listed.body.items.length, 1);
    // Once resolved, the key opens a new incident.
    const resolved = await call(url, "POST", `/v1/incidents/${first.id}/resolve`, {
      resolution: "restarted",
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    const third = await open({ title: "db1 down again", dedupKey: "db1" });
    assert.notEqual(third.id, first.id);
    const kinds = await until(() => {
      const seen = eventsOf(first.id).map((e) => e["detail-type"]);
      return seen.length === 3 ? seen : undefined;
    });
    assert.deepEqual(kinds.sort(), [
      "Incident Event Added",
      "Incident Opened",
      "Incident Resolved",
    ]);
  });

  test("events through a rule and a workflow fold into one incident per host", async () => {
    await call(url, "POST", "/v1/state-machines", {
      name: "incident-from-event",
      definition: JSON.stringify({
        StartAt: "Open",
        States: {
          Open: {
            Type: "Task",
            Resource: "arn:aws:states:::opsflow:incident.open",
            Parameters: {
              "Title.$": "States.Format('{} unreachable', $.detail.host)",
              "DedupKey.$": "$.detail.host",
              Severity: "critical",
              "SourceEvent.$": "$",
            },
            End: true,
          },
        },
      }),
    });
    await call(url, "PUT", "/v1/rules/monitor", { eventPattern: { source: ["my.monitor"] } });
    await call(url, "PUT", "/v1/rules/monitor/targets", {
      targets: [
        {
          Id: "open",
          Arn: "arn:aws:states:us-east-1:123456789012:stateMachine:incident-from-event",
        },
      ],
    });
    for (let i = 0; i < 3; i++) {
      const put = await call(url, "POST", "/v1/events", {
        entries: [{ source: "my.monitor", detailType: "Down", detail: { host: "web7", i } }],
      });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
    const incident = await until(async () => {
      const list = await call(url, "GET", "/v1/incidents?dedupKey=web7");
      const [only] = list.body.items;
      return only?.timeline.length === 3 ? list.body.items : undefined;
    });
    assert.equal(incident.length, 1);
    assert.equal(incident[0].severity, "critical");
    assert.equal(incident[0].sourceEvent.detail.host, "web7");
  });
});

describe("transitions", () => {
  test("open → acknowledged → resolved → closed, each recorded with who", async () => {
    const alice = await tokenFor(server, "alice");
    const incident = await open({ title: "disk full", assignee: "alice" });
    const ack = await call(url, "POST", `/v1/incidents/${incident.id}/acknowledge`, {}, alice);
    // alice is an approver: acting on incidents is an operator's right.
    assert.equal(ack.status, 403);
    const steps: [string, object][] = [
      ["acknowledge", { note: "looking" }],
      ["notes", { text: "cleaned /var/log" }],
      ["resolve", { resolution: "logs rotated" }],
      ["close", {}],
    ];
    for (const [path, body] of steps) {
      const r = await call(url, "POST", `/v1/incidents/${incident.id}/${path}`, body);
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    }
    const shown = (await call(url, "GET", `/v1/incidents/${incident.id}`)).body;
    assert.equal(shown.status, "closed");
    assert.equal(shown.resolution, "logs rotated");
    assert.deepEqual(
      shown.timeline.map((e: { kind: string; actor: string }) => `${e.kind}:${e.actor}`),
      ["opened:admin", "status:admin", "note:admin", "note:admin", "status:admin", "status:admin"],
    );
    assert.deepEqual(shown.timeline[4].data, { from: "acknowledged", to: "resolved" });
  });

  test("invalid transitions and bad input are refused and change nothing", async () => {
    const incident = await open({ title: "cpu hot" });
    const before = (await call(url, "GET", `/v1/incidents/${incident.id}`)).body;
    const cases: [string, object, number, RegExp][] = [
      ["close", {}, 409, /open; it cannot become closed/],
      ["resolve", {}, 400, /resolution/i],
      ["resolve", { resolution: "" }, 400, /Resolution/],
      ["assign", { assignee: "nobody-such" }, 400, /not a user/],
      ["notes", { text: "x".repeat(4001) }, 400, /longer/],
      ["acknowledge", { note: "a", extra: 1 }, 400, /./],
    ];
    for (const [path, body, status, message] of cases) {
      const r = await call(url, "POST", `/v1/incidents/${incident.id}/${path}`, body);
      assert.equal(r.status, status, `${path}: ${JSON.stringify(r.body)}`);
      assert.match(JSON.stringify(r.body), message);
    }
    assert.equal(
      (await call(url, "POST", "/v1/incidents", { title: "x", severity: "meh" })).status,
      400,
    );
    assert.equal((await call(url, "POST", "/v1/incidents/ghost/close", {})).status, 404);
    const after = (await call(url, "GET", `/v1/incidents/${incident.id}`)).body;
    assert.deepEqual(after, before);
    // Acknowledged twice: the second is a conflict.
    await call(url, "POST", `/v1/incidents/${incident.id}/acknowledge`, {});
    const again = await call(url, "POST", `/v1/incidents/${incident.id}/acknowledge`, {});
    assert.equal(again.status, 409);
    const resolved = await call(url, "POST", `/v1/incidents/${incident.id}/resolve`, {
      resolution: "cooled",
    });
    await call(url, "POST", `/v1/incidents/${incident.id}/close`, {});
    const closedNote = await call(url, "POST", `/v1/incidents/${incident.id}/notes`, {
      text: "late",
    });
    assert.equal(resolved.status, 200);
    assert.equal(closedNote.status, 409);
  });
});

describe("workflows", () => {
  test("a workflow opens, updates and resolves an incident; the execution is linked", async () => {
    const arn = await run(url, "incident-lifecycle", {
      StartAt: "Open",
      States: {
        Open: {
          Type: "Task",
          Resource: "arn:aws:states:::opsflow:incident.open",
          Parameters: { Title: "backup failed", Severity: "low", Description: "nightly job" },
          ResultSelector: { "Id.$": "$.id", "Status.$": "$.status" },
          ResultPath: "$.incident",
          Next: "Ack",
        },
        Ack: {
          Type: "Task",
          Resource: "arn:aws:states:::opsflow:incident.update",
          Parameters: { "IncidentId.$": "$.incident.Id", Status: "acknowledged", Note: "retrying" },
          ResultPath: null,
          Next: "Resolve",
        },
        Resolve: {
          Type: "Task",
          Resource: "arn:aws:states:::opsflow:incident.resolve",
          Parameters: { "IncidentId.$": "$.incident.Id", Resolution: "retry succeeded" },
          Next: "CloseAgain",
        },
        CloseAgain: {
          Type: "Task",
          Resource: "arn:aws:states:::opsflow:incident.resolve",
          Parameters: { "IncidentId.$": "$.id", Resolution: "twice" },
          Catch: [
            { ErrorEquals: ["Incident.InvalidTransition"], ResultPath: "$.error", Next: "Done" },
          ],
          End: true,
        },
        Done: { Type: "Pass", End: true },
      },
    });
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED", JSON.stringify(execution));
    assert.equal(execution.output.status, "resolved");
    assert.equal(execution.output.resolution, "retry succeeded");
    assert.equal(execution.output.error.Error, "Incident.InvalidTransition");
    const incident = (await call(url, "GET", `/v1/incidents/${execution.output.id}`)).body;
    assert.deepEqual(
      incident.timeline.map((e: { kind: string }) => e.kind),
      ["opened", "status", "note", "status"],
    );
    assert.equal(incident.timeline[0].data.executionArn, arn);
    const kinds = await until(() => {
      const seen = eventsOf(incident.id).map((e) => e["detail-type"]);
      return seen.length === 3 ? seen : undefined;
    });
    assert.deepEqual(kinds.sort(), [
      "Incident Acknowledged",
      "Incident Opened",
      "Incident Resolved",
    ]);
  });

  test("bad task parameters fail with Incident.InvalidRequest and open nothing", async () => {
    const before = (await call(url, "GET", "/v1/incidents?limit=1000")).body.items.length;
    const arn = await run(url, "incident-bad", {
      StartAt: "Open",
      States: {
        Open: {
          Type: "Task",
          Resource: "arn:aws:states:::opsflow:incident.open",
          Parameters: { Title: "x", Severity: "apocalyptic" },
          End: true,
        },
      },
    });
    const execution = await finished(url, arn);
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "Incident.InvalidRequest");
    const after = (await call(url, "GET", "/v1/incidents?limit=1000")).body.items.length;
    assert.equal(after, before);
  });
});

/** Runs the CLI asynchronously (the server runs in this process). */
const opsflow = (...args: string[]) => runCliAsync(args, serverEnv(url));

test("CLI: list, show, ack, note, resolve, close", async () => {
  const incident = await open({ title: "from the CLI", severity: "medium" });
  const listed = await opsflow("incidents", "list", "--status", "open");
  assert.match(listed.stdout, new RegExp(`${incident.id}\\topen\\tmedium\\t-\\tfrom the CLI`));
  assert.equal((await opsflow("incidents", "ack", incident.id)).code, 0);
  assert.equal((await opsflow("incidents", "note", incident.id, "--text", "hi")).code, 0);
  const early = await opsflow("incidents", "close", incident.id);
  assert.equal(early.code, 1);
  assert.match(early.stderr, /cannot become closed/);
  const resolved = await opsflow("incidents", "resolve", incident.id, "--resolution", "fixed");
  assert.match(resolved.stdout, /\tresolved\t/);
  assert.equal((await opsflow("incidents", "close", incident.id)).code, 0);
  const shown = await opsflow("incidents", "show", incident.id);
  assert.match(shown.stdout, /resolution: fixed/);
  assert.match(shown.stdout, /\tnote\tadmin\thi/);
});
