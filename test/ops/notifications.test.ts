/**
 * Notifications on an in-process server with a real SMTP server and a local webhook server:
 * email confirmation by link, SNS publish from a workflow with MessageStructure=json (each
 * protocol gets its own text), HMAC-signed webhooks, Slack JSON, the event bus's topic
 * targets, durable retries with their record, and bad input that changes nothing.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import {
  AdjustableClock,
  call,
  finished,
  type Hook,
  type Mail,
  run,
  startHooks,
  startOpsServer,
  startSmtp,
  until,
} from "./helpers.js";

let server: RunningServer;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let hooks: Awaited<ReturnType<typeof startHooks>>;
let url: string;
let topicArn: string;
let secret: string;

before(async () => {
  smtp = await startSmtp();
  hooks = await startHooks((path, count) => {
    if (path === "/flaky") return count <= 2 ? 503 : 200;
    if (path === "/refuses") return 400;
    if (path === "/down") return 500;
    return 200;
  });
  server = await startOpsServer(new AdjustableClock(), {
    mail: { smtpUrl: smtp.url, from: "opsflow <ops@example.com>" },
    retry: { baseMs: 30, maxMs: 100, maxAttempts: 3 },
  });
  url = server.url;
});
after(async () => {
  await server?.close();
  await smtp?.close();
  await hooks?.close();
});

const mailTo = (address: string, subject: RegExp) =>
  until(() => smtp.mails.find((m) => m.to.includes(address) && subject.test(m.subject)));
const hookAt = (path: string, n = 1) =>
  until(() => {
    const found = hooks.calls.filter((c: Hook) => c.path === path);
    return found.length >= n ? found : undefined;
  });

describe("topics and subscriptions", () => {
  test("an email subscription is pending until its mailed link is used", async () => {
    const topic = await call(url, "POST", "/v1/topics", { name: "ops", displayName: "Ops team" });
    assert.equal(topic.status, 201);
    topicArn = topic.body.arn;
    assert.equal(topicArn, "arn:aws:sns:us-east-1:123456789012:ops");
    const sub = await call(url, "POST", "/v1/topics/ops/subscriptions", {
      protocol: "email",
      endpoint: "manager@example.com",
    });
    assert.equal(sub.status, 201);
    assert.equal(sub.body.status, "pending");
    assert.equal(sub.body.secret, undefined);

    const mail: Mail = await mailTo("manager@example.com", /Confirm your subscription to Ops team/);
    const link = /(http:\/\/\S+\/links\/subscriptions\/confirm\?token=\S+)/.exec(mail.text)?.[1];
    assert.ok(link, mail.text);
    // Opening the link only shows a page: a mail scanner fetching it confirms nothing.
    const page = await fetch(link);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post">/);
    let subs = await call(url, "GET", "/v1/topics/ops/subscriptions");
    assert.equal(subs.body.items[0].status, "pending");

    const confirmed = await fetch(link, { method: "POST" });
    assert.equal(confirmed.status, 200);
    subs = await call(url, "GET", "/v1/topics/ops/subscriptions");
    assert.equal(subs.body.items[0].status, "confirmed");
    const again = await fetch(link, { method: "POST" });
    assert.equal(again.status, 404);
    const forged = await fetch(link.replace(/token=./, "token=X"), { method: "POST" });
    assert.equal(forged.status, 404);
  });

  test("webhook subscriptions get their HMAC secret once; Slack gets none", async () => {
    const http = await call(url, "POST", "/v1/topics/ops/subscriptions", {
      protocol: "http",
      endpoint: `${hooks.url}/hook`,
    });
    assert.equal(http.status, 201);
    assert.equal(http.body.status, "confirmed");
    assert.match(http.body.secret, /^[A-Za-z0-9_-]{43}$/);
    secret = http.body.secret;
    const slack = await call(url, "POST", "/v1/topics/ops/subscriptions", {
      protocol: "slack",
      endpoint: `${hooks.url}/slack`,
    });
    assert.equal(slack.status, 201);
    assert.equal(slack.body.secret, undefined);
    const list = await call(url, "GET", "/v1/topics/ops/subscriptions");
    assert.equal(list.body.items.length, 3);
    assert.ok(list.body.items.every((s: { secret?: string }) => s.secret === undefined));
  });
});

describe("sns:publish from a workflow", () => {
  test("MessageStructure=json: each protocol receives its own text; the result has SNS's shape", async () => {
    const arn = await run(
      url,
      "announce",
      {
        StartAt: "Publish",
        States: {
          Publish: {
            Type: "Task",
            Resource: "arn:aws:states:::sns:publish",
            Parameters: {
              TopicArn: topicArn,
              Subject: "db1 restarted",
              MessageStructure: "json",
              "Message.$": "States.JsonToString($.texts)",
              MessageAttributes: { severity: { DataType: "String", StringValue: "high" } },
            },
            End: true,
          },
        },
      },
      {
        texts: {
          default: "default text",
          email: "Dear manager, db1 was restarted at 03:12.",
          http: "machine text for webhooks",
          slack: "db1 :recycle:",
        },
      },
    );
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED", JSON.stringify(execution));
    const output = execution.output;
    assert.match(output.MessageId, /^[0-9a-f-]{36}$/);
    assert.equal(output.SdkHttpMetadata.HttpStatusCode, 200);
    assert.equal(output.SdkHttpMetadata.HttpHeaders["Content-Type"], "text/xml");
    assert.deepEqual(output.SdkHttpMetadata.AllHttpHeaders["x-amzn-RequestId"], [
      output.SdkResponseMetadata.RequestId,
    ]);

    const mail = await mailTo("manager@example.com", /db1 restarted/);
    assert.equal(mail.subject, "db1 restarted");
    assert.equal(mail.text.trim(), "Dear manager, db1 was restarted at 03:12.");

    const [hook] = await hookAt("/hook");
    const expected = `sha256=${createHmac("sha256", secret).update(hook.body).digest("hex")}`;
    assert.equal(hook.headers["x-opsflow-signature"], expected);
    const wrong = `sha256=${createHmac("sha256", "not-the-secret").update(hook.body).digest("hex")}`;
    assert.notEqual(hook.headers["x-opsflow-signature"], wrong);
    const notification = JSON.parse(hook.body);
    assert.equal(notification.Type, "Notification");
    assert.equal(notification.Message, "machine text for webhooks");
    assert.equal(notification.MessageId, output.MessageId);
    assert.equal(notification.TopicArn, topicArn);
    assert.deepEqual(notification.MessageAttributes, {
      severity: { Type: "String", Value: "high" },
    });

    const [slack] = await hookAt("/slack");
    assert.deepEqual(JSON.parse(slack.body), { text: "*db1 restarted*\ndb1 :recycle:" });

    const deliveries = await until(async () => {
      const list = await call(
        url,
        "GET",
        `/v1/notification-deliveries?messageId=${output.MessageId}`,
      );
      return list.body.items.length === 3 &&
        list.body.items.every((d: { status: string }) => d.status === "delivered")
        ? list.body.items
        : undefined;
    });
    assert.deepEqual(
      deliveries
        .map((d: { protocol: string; attempts: number }) => [d.protocol, d.attempts])
        .sort(),
      [
        ["email", 1],
        ["http", 1],
        ["slack", 1],
      ],
    );
  });

  test("an unknown topic fails the task with SNS.NotFoundException, which Catch handles", async () => {
    const arn = await run(url, "to-nowhere", {
      StartAt: "Publish",
      States: {
        Publish: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: "arn:aws:sns:us-east-1:123456789012:ghost", Message: "hi" },
          Catch: [{ ErrorEquals: ["SNS.NotFoundException"], Next: "Caught" }],
          End: true,
        },
        Caught: { Type: "Pass", End: true },
      },
    });
    const execution = await finished(url, arn);
    assert.equal(execution.status, "SUCCEEDED");
    assert.equal(execution.output.Error, "SNS.NotFoundException");
  });

  test("a message SNS would refuse fails the task with SNS.InvalidParameterException", async () => {
    const arn = await run(url, "bad-structure", {
      StartAt: "Publish",
      States: {
        Publish: {
          Type: "Task",
          Resource: "arn:aws:states:::sns:publish",
          Parameters: { TopicArn: topicArn, MessageStructure: "json", Message: '{"email":"x"}' },
          End: true,
        },
      },
    });
    const execution = await finished(url, arn);
    assert.equal(execution.status, "FAILED");
    assert.equal(execution.error, "SNS.InvalidParameterException");
    assert.match(execution.cause, /No default entry/);
  });
});

describe("deliveries are retried with back-off and recorded", () => {
  test("a flaky endpoint is delivered on the third attempt; a refusing one fails at once; a dead one after the attempts", async () => {
    await call(url, "POST", "/v1/topics", { name: "retries" });
    for (const path of ["/flaky", "/refuses", "/down"])
      await call(url, "POST", "/v1/topics/retries/subscriptions", {
        protocol: "http",
        endpoint: `${hooks.url}${path}`,
      });
    const published = await call(url, "POST", "/v1/topics/retries/messages", { message: "try" });
    assert.equal(published.status, 200);
    const done = await until(async () => {
      const list = await call(url, "GET", "/v1/notification-deliveries?topic=retries");
      return list.body.items.every((d: { status: string }) => d.status !== "pending")
        ? list.body.items
        : undefined;
    });
    const by = (suffix: string) =>
      done.find((d: { endpoint: string }) => d.endpoint.endsWith(suffix));
    assert.equal(by("/flaky").status, "delivered");
    assert.equal(by("/flaky").attempts, 3);
    assert.equal(by("/refuses").status, "failed");
    assert.equal(by("/refuses").attempts, 1);
    assert.match(by("/refuses").lastError, /answered 400/);
    assert.equal(by("/down").status, "failed");
    assert.equal(by("/down").attempts, 3);
    assert.match(by("/down").lastError, /answered 500.*gave up after 3 attempts/);
    const failed = await call(
      url,
      "GET",
      "/v1/notification-deliveries?topic=retries&status=failed",
    );
    assert.equal(failed.body.items.length, 2);
  });
});

describe("the event bus's topic targets", () => {
  test("an event matched by a rule with a topic target reaches the subscribers", async () => {
    await call(url, "POST", "/v1/topics", { name: "alerts" });
    await call(url, "POST", "/v1/topics/alerts/subscriptions", {
      protocol: "http",
      endpoint: `${hooks.url}/alerts`,
    });
    const rule = await call(url, "PUT", "/v1/rules/to-topic", {
      eventPattern: { source: ["my.app"] },
    });
    assert.equal(rule.status, 200, JSON.stringify(rule.body));
    const targets = await call(url, "PUT", "/v1/rules/to-topic/targets", {
      targets: [{ Id: "topic", Arn: "arn:aws:sns:us-east-1:123456789012:alerts" }],
    });
    assert.equal(targets.status, 200, JSON.stringify(targets.body));
    const put = await call(url, "POST", "/v1/events", {
      entries: [{ source: "my.app", detailType: "Alert", detail: { host: "db1" } }],
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const [hook] = await hookAt("/alerts");
    const event = JSON.parse(JSON.parse(hook.body).Message);
    assert.equal(event.source, "my.app");
    assert.deepEqual(event.detail, { host: "db1" });
  });
});

describe("bad input changes nothing", () => {
  const count = async () =>
    (await call(url, "GET", "/v1/notification-deliveries?limit=1000")).body.items.length;

  test("malformed topics, subscriptions and messages are clear 4xx", async () => {
    const before = await count();
    const cases: [string, string, unknown, number, RegExp][] = [
      ["POST", "/v1/topics", { name: "bad name!" }, 400, /name/],
      ["POST", "/v1/topics", { name: "ops" }, 409, /already exists/],
      ["POST", "/v1/topics/ghost/messages", { message: "x" }, 404, /does not exist/],
      ["POST", "/v1/topics/ops/messages", { message: "x".repeat(262_145) }, 400, /message/],
      [
        "POST",
        "/v1/topics/ops/messages",
        { message: "not json", messageStructure: "json" },
        400,
        /failed to parse/,
      ],
      [
        "POST",
        "/v1/topics/ops/messages",
        { message: '{"default":1}', messageStructure: "json" },
        400,
        /No default entry/,
      ],
      ["POST", "/v1/topics/ops/messages", { message: "x", subject: "two\nlines" }, 400, /Subject/],
      [
        "POST",
        "/v1/topics/ops/messages",
        { message: "x", messageAttributes: { n: { DataType: "Number", StringValue: "abc" } } },
        400,
        /not a number/,
      ],
      [
        "POST",
        "/v1/topics/ops/subscriptions",
        { protocol: "email", endpoint: "not-an-address" },
        400,
        /email address/,
      ],
      [
        "POST",
        "/v1/topics/ops/subscriptions",
        { protocol: "https", endpoint: "http://x.example" },
        400,
        /https: URL/,
      ],
      [
        "POST",
        "/v1/topics/ops/subscriptions",
        { protocol: "sms", endpoint: "+1555" },
        400,
        /protocol/,
      ],
      ["DELETE", "/v1/subscriptions/ghost", undefined, 404, /does not exist/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const response = await call(url, method, path, body);
      assert.equal(response.status, status, `${method} ${path}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.error.message, message, `${method} ${path}`);
    }
    assert.equal(await count(), before);
    assert.equal((await call(url, "GET", "/v1/topics")).body.items.length, 3);
  });

  test("the REST API needs the bearer token; confirmation links do not", async () => {
    const anonymous = await fetch(`${url}/v1/topics`);
    assert.equal(anonymous.status, 401);
    const link = await fetch(`${url}/links/subscriptions/confirm?token=unknown`, {
      method: "POST",
    });
    assert.equal(link.status, 404);
  });
});
