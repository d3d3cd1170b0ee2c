/**
 * Identity on a real server: credentials' lifecycle and last use, refused credentials (wrong
 * password, deactivated key and token, bad and clock-skewed signatures), privilege escalation
 * and explicit denies, console sessions (CSRF, TOTP, tampered and expired cookies), and the
 * audit trail (filters, paging, append-only). Each refusal gives the right error and an
 * audit entry.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { totpCode } from "../../src/auth/totp.js";
import { type Answer, awsAs, makeUser, restAs, send } from "./auth-helpers.js";
import { rest, type ServerProcess, startServerProcess } from "./harness.js";
import { queryStored } from "./stored.js";

let server: ServerProcess;
const MACHINE = { StartAt: "P", States: { P: { Type: "Pass", End: true } } };
const PASSWORD = "correct horse battery staple";

before(async () => {
  process.env.OPSFLOW_SESSION_TTL_SECONDS = "3";
  server = await startServerProcess();
  delete process.env.OPSFLOW_SESSION_TTL_SECONDS;
  for (const name of ["alpha", "beta"])
    assert.equal(
      (await rest(server.url, "POST", "/v1/state-machines", { name, definition: MACHINE })).status,
      201,
    );
});
after(async () => {
  await server?.stop();
});

/** The newest audit events matching `query` (a query string). */
async function audit(query: string) {
  const page = await rest(server.url, "GET", `/v1/audit/events?${query}`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  // biome-ignore lint/suspicious/noExplicitAny: audit events read field by field.
  return page.body.items as any[];
}

const awsType = (answer: Answer) =>
  String(answer.json?.__type ?? "")
    .split("#")
    .pop();

describe("credentials", () => {
  test("an access key: works, records its last use, refused once deactivated, back when activated, gone when deleted", async () => {
    const carol = await makeUser(server.url, "carol", ["viewer"]);
    const id = carol.key.accessKeyId;
    assert.equal((await awsAs(server.url, carol.key, "states", "ListStateMachines")).status, 200);
    const listed = await rest(server.url, "GET", "/v1/users/carol/access-keys");
    const key = listed.body.items.find((k: { accessKeyId: string }) => k.accessKeyId === id);
    assert.equal(key.status, "Active");
    assert.equal(key.lastUsedService, "states");
    assert.equal(key.lastUsedRegion, "us-east-1");
    assert.ok(Date.parse(key.lastUsedAt) > Date.now() - 60_000);
    assert.equal(key.secretAccessKey, undefined);
    assert.equal(key.sealedSecret, undefined);

    assert.equal(
      (await rest(server.url, "POST", `/v1/users/carol/access-keys/${id}/deactivate`)).status,
      204,
    );
    const refused = await awsAs(server.url, carol.key, "states", "ListStateMachines");
    assert.equal(refused.status, 400);
    assert.equal(awsType(refused), "UnrecognizedClientException");
    const [event] = await audit(`accessKeyId=${id}&action=states:ListStateMachines`);
    assert.equal(event.outcome, "Failure");
    assert.equal(event.errorCode, "UnrecognizedClientException");
    assert.equal(event.user, "carol");

    assert.equal(
      (await rest(server.url, "POST", `/v1/users/carol/access-keys/${id}/activate`)).status,
      204,
    );
    assert.equal((await awsAs(server.url, carol.key, "states", "ListStateMachines")).status, 200);
    assert.equal(
      (await rest(server.url, "DELETE", `/v1/users/carol/access-keys/${id}`)).status,
      204,
    );
    assert.equal(
      awsType(await awsAs(server.url, carol.key, "states", "ListStateMachines")),
      "UnrecognizedClientException",
    );
    // Another user's path does not reach the key.
    const dave = await makeUser(server.url, "dave", ["viewer"]);
    const wrongOwner = await rest(
      server.url,
      "DELETE",
      `/v1/users/carol/access-keys/${dave.key.accessKeyId}`,
    );
    assert.equal(wrongOwner.status, 404);
    assert.equal((await awsAs(server.url, dave.key, "states", "ListStateMachines")).status, 200);
  });

  test("a bad signature and a clock-skewed one are refused and audited", async () => {
    const erin = await makeUser(server.url, "erin", ["viewer"]);
    const forged = { accessKeyId: erin.key.accessKeyId, secretAccessKey: "x".repeat(40) };
    const bad = await awsAs(server.url, forged, "states", "ListStateMachines");
    assert.equal(awsType(bad), "InvalidSignatureException");
    const skewed = await awsAs(
      server.url,
      erin.key,
      "states",
      "ListStateMachines",
      {},
      new Date(Date.now() - 20 * 60_000),
    );
    assert.equal(awsType(skewed), "InvalidSignatureException");
    assert.match(skewed.json.message, /Signature expired/);
    const events = await audit(`accessKeyId=${erin.key.accessKeyId}`);
    assert.equal(events.filter((e) => e.errorCode === "InvalidSignatureException").length, 2);
    assert.ok(events.every((e) => e.user === "erin" && e.outcome === "Failure"));
  });

  test("an API token: refused when deactivated (401, audited), deleted tokens stay refused", async () => {
    const frank = await makeUser(server.url, "frank", ["viewer"]);
    const tokens = await rest(server.url, "GET", "/v1/users/frank/tokens");
    const id = tokens.body.items[0].id;
    assert.equal(tokens.body.items[0].token, undefined);
    assert.equal((await restAs(server.url, frank.token, "GET", "/v1/state-machines")).status, 200);
    assert.equal(
      (await rest(server.url, "POST", `/v1/users/frank/tokens/${id}/deactivate`)).status,
      204,
    );
    const refused = await restAs(server.url, frank.token, "POST", "/v1/state-machines", {
      name: "x",
      definition: MACHINE,
    });
    assert.equal(refused.status, 401);
    const [event] = await audit("action=states:CreateStateMachine&limit=1");
    assert.equal(event.outcome, "Failure");
    assert.equal(event.errorCode, "Unauthorized");
    assert.equal((await rest(server.url, "DELETE", `/v1/users/frank/tokens/${id}`)).status, 204);
    assert.equal((await restAs(server.url, frank.token, "GET", "/v1/state-machines")).status, 401);
  });

  test("bad input is a 4xx and changes nothing", async () => {
    assert.equal(
      (await rest(server.url, "POST", "/v1/users", { name: "no spaces allowed" })).status,
      400,
    );
    const short = await rest(server.url, "POST", "/v1/users", {
      name: "shorty",
      password: "short",
    });
    assert.equal(short.status, 400);
    assert.match(short.body.error.message, /at least 10/);
    assert.equal((await rest(server.url, "GET", "/v1/users/shorty")).status, 404);
    assert.equal((await rest(server.url, "PUT", "/v1/users/dave/roles/superuser")).status, 400);
    const policy = await rest(server.url, "PUT", "/v1/users/dave/policies/p", {
      document: {
        Statement: [
          {
            Effect: "Allow",
            Action: "*",
            Resource: "*",
            Condition: { DateLessThan: { "aws:CurrentTime": "2030-01-01T00:00:00Z" } },
          },
        ],
      },
    });
    assert.equal(policy.status, 400);
    assert.match(policy.body.error.message, /Condition\/DateLessThan: unsupported operator/);
    assert.deepEqual((await rest(server.url, "GET", "/v1/users/dave/policies")).body.items, []);
    assert.equal((await rest(server.url, "POST", "/v1/users", { name: "dave" })).status, 409);
  });
});

describe("authorisation", () => {
  test("a custom policy scopes by ARN pattern, and an explicit deny wins over a role", async () => {
    const gina = await makeUser(server.url, "gina", ["operator"]);
    const put = await rest(server.url, "PUT", "/v1/users/gina/policies/no-beta", {
      document: {
        Statement: [
          {
            Effect: "Deny",
            Action: "states:Start*",
            Resource: "arn:aws:states:*:*:stateMachine:b*",
          },
        ],
      },
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const alpha = await restAs(
      server.url,
      gina.token,
      "POST",
      "/v1/state-machines/alpha/executions",
      {},
    );
    assert.equal(alpha.status, 201, alpha.text);
    const beta = await restAs(
      server.url,
      gina.token,
      "POST",
      "/v1/state-machines/beta/executions",
      {},
    );
    assert.equal(beta.status, 403);
    assert.match(beta.json.error.message, /explicit deny/);
    const aws = await awsAs(server.url, gina.key, "states", "StartExecution", {
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:beta",
    });
    assert.equal(awsType(aws), "AccessDeniedException");

    const hank = await makeUser(server.url, "hank", []);
    await rest(server.url, "PUT", "/v1/users/hank/policies/events", {
      document: {
        Statement: {
          Effect: "Allow",
          Action: ["events:PutEvents"],
          Resource: "arn:aws:events:*:*:event-bus/default",
        },
      },
    });
    const entry = { Source: "t", DetailType: "d", Detail: "{}" };
    const ok = await awsAs(server.url, hank.key, "events", "PutEvents", { Entries: [entry] });
    assert.equal(ok.status, 200, ok.text);
    const other = await awsAs(server.url, hank.key, "events", "PutEvents", {
      Entries: [entry, { ...entry, EventBusName: "private" }],
    });
    assert.equal(awsType(other), "AccessDeniedException");
    assert.match(other.json.message, /event-bus\/private/);
  });

  test("privilege escalation is refused and audited", async () => {
    const ivan = await makeUser(server.url, "ivan", ["viewer"]);
    // Ivan may manage users (a delegated administrator), but only within what he has.
    await rest(server.url, "PUT", "/v1/users/ivan/policies/user-admin", {
      document: {
        Statement: [{ Effect: "Allow", Action: "iam:*", Resource: "arn:aws:iam::*:user/*" }],
      },
    });
    await rest(server.url, "PUT", "/v1/users/ivan/policies/no-starts", {
      document: { Statement: [{ Effect: "Deny", Action: "states:StartExecution", Resource: "*" }] },
    });
    const as = (method: string, path: string, body?: unknown) =>
      restAs(server.url, ivan.token, method, path, body);
    const attempts: [string, Answer][] = [
      ["grant himself admin", await as("PUT", "/v1/users/ivan/roles/admin")],
      ["grant himself viewer again", await as("PUT", "/v1/users/ivan/roles/viewer")],
      [
        "edit his own policy",
        await as("PUT", "/v1/users/ivan/policies/more", {
          document: { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
        }),
      ],
      ["delete the Deny on himself", await as("DELETE", "/v1/users/ivan/policies/no-starts")],
      ["grant a role he lacks", await as("PUT", "/v1/users/dave/roles/operator")],
      [
        "give a policy broader than his",
        await as("PUT", "/v1/users/dave/policies/p", {
          document: { Statement: [{ Effect: "Allow", Action: "states:*", Resource: "*" }] },
        }),
      ],
    ];
    for (const [what, answer] of attempts) {
      assert.equal(answer.status, 403, `${what}: ${answer.text}`);
      assert.equal(answer.json.error.code, "AccessDeniedException", what);
      assert.match(answer.json.error.message, /escalation/, what);
    }
    const me = await as("GET", "/v1/auth/whoami");
    assert.deepEqual(me.json.roles, ["viewer"]);
    // Within his own permissions he may act on others.
    const fine = await as("PUT", "/v1/users/dave/policies/read", {
      document: {
        Statement: [{ Effect: "Allow", Action: "states:DescribeStateMachine", Resource: "*" }],
      },
    });
    assert.equal(fine.status, 200, fine.text);
    assert.equal((await as("PUT", "/v1/users/dave/roles/viewer")).status, 204);
    const denied = await audit("user=ivan&action=iam:AttachUserRole");
    assert.deepEqual(
      denied.map((e) => [e.outcome, e.resources[0].split(":user/")[1]]),
      [
        ["Success", "dave"],
        ["Denied", "dave"],
        ["Denied", "ivan"],
        ["Denied", "ivan"],
      ],
    );
    assert.match(denied[1].errorMessage, /escalation/);
  });
});

describe("console sessions", () => {
  const cookieOf = (answer: Answer) => {
    const header = answer.headers["set-cookie"];
    return String(Array.isArray(header) ? header[0] : header);
  };
  const login = (body: unknown) =>
    send(
      server.url,
      "POST",
      "/v1/auth/login",
      { "content-type": "application/json" },
      JSON.stringify(body),
    );

  test("wrong password, unknown user: 401 and audited; right password: an HttpOnly SameSite cookie", async () => {
    await makeUser(server.url, "jane", ["viewer"], PASSWORD);
    const wrong = await login({ user: "jane", password: "not the password" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, "InvalidCredentials");
    assert.equal(wrong.headers["set-cookie"], undefined);
    const nobody = await login({ user: "nobody", password: PASSWORD });
    assert.equal(nobody.status, 401);
    assert.equal(nobody.json.error.message, wrong.json.error.message);
    const events = await audit("action=auth:ConsoleLogin&user=jane");
    assert.equal(events[0].outcome, "Failure");
    assert.equal(events[0].errorCode, "InvalidCredentials");
    assert.equal(JSON.parse(JSON.stringify(events[0].parameters)).password, "***");

    const ok = await login({ user: "jane", password: PASSWORD });
    assert.equal(ok.status, 200, ok.text);
    const cookie = cookieOf(ok);
    assert.match(cookie, /^opsflow_session=[\w-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const session = cookie.split(";")[0];
    const whoami = await send(server.url, "GET", "/v1/auth/whoami", { cookie: session });
    assert.equal(whoami.json.user, "jane");
    assert.equal(whoami.json.credential.kind, "session");

    // A change needs the CSRF token; a cookie alone (what a forged cross-site form sends) is refused.
    const forged = await send(
      server.url,
      "POST",
      "/v1/users/jane/tokens",
      { cookie: session, "content-type": "application/json" },
      "{}",
    );
    assert.equal(forged.status, 403);
    assert.equal(forged.json.error.code, "InvalidCsrfToken");
    const withCsrf = await send(
      server.url,
      "POST",
      "/v1/users/jane/tokens",
      { cookie: session, "content-type": "application/json", "x-csrf-token": ok.json.csrfToken },
      "{}",
    );
    assert.equal(withCsrf.status, 201, withCsrf.text);

    const tampered = `${session.slice(0, -2)}${session.endsWith("AA") ? "BB" : "AA"}`;
    const refused = await send(server.url, "GET", "/v1/auth/whoami", { cookie: tampered });
    assert.equal(refused.status, 401);
    const logout = await send(server.url, "POST", "/v1/auth/logout", {
      cookie: session,
      "x-csrf-token": ok.json.csrfToken,
    });
    assert.equal(logout.status, 204);
    assert.equal(
      (await send(server.url, "GET", "/v1/auth/whoami", { cookie: session })).status,
      401,
    );
    const failures = await audit("action=auth:WhoAmI");
    assert.ok(failures.filter((e) => e.outcome === "Failure").length >= 2);
  });

  test("TOTP: required once enabled, a wrong code refused, the right one accepted", async () => {
    await makeUser(server.url, "kim", ["viewer"], PASSWORD);
    const enabled = await rest(server.url, "POST", "/v1/users/kim/totp");
    assert.equal(enabled.status, 201);
    assert.match(enabled.body.uri, /^otpauth:\/\/totp\/opsflow%3Akim\?secret=/);
    const missing = await login({ user: "kim", password: PASSWORD });
    assert.equal(missing.json.error.code, "TotpRequired");
    const right = totpCode(enabled.body.secret, Date.now());
    const wrong = await login({
      user: "kim",
      password: PASSWORD,
      totp: right === "000000" ? "111111" : "000000",
    });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.error.code, "InvalidTotp");
    const ok = await login({ user: "kim", password: PASSWORD, totp: right });
    assert.equal(ok.status, 200, ok.text);
    const events = await audit("action=auth:ConsoleLogin&user=kim");
    assert.deepEqual(
      events.map((e) => e.errorCode ?? e.outcome),
      ["Success", "InvalidTotp", "TotpRequired"],
    );
  });

  test("an expired session is refused", async () => {
    const ok = await login({ user: "jane", password: PASSWORD });
    const session = cookieOf(ok).split(";")[0];
    assert.equal(
      (await send(server.url, "GET", "/v1/auth/whoami", { cookie: session })).status,
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_200));
    const expired = await send(server.url, "GET", "/v1/auth/whoami", { cookie: session });
    assert.equal(expired.status, 401);
    assert.match(expired.json.error.message, /expired/);
  });
});

describe("audit trail", () => {
  test("lookup by user, credential, action, resource and time window, paged", async () => {
    const lee = await makeUser(server.url, "lee", ["operator"]);
    const start = new Date().toISOString();
    for (let i = 0; i < 5; i++)
      assert.equal(
        (
          await restAs(server.url, lee.token, "POST", "/v1/state-machines/alpha/executions", {
            name: `run-${i}`,
          })
        ).status,
        201,
      );
    await awsAs(server.url, lee.key, "states", "StartExecution", {
      stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:alpha",
      name: "aws-run",
    });
    const mine = await audit(`user=lee&action=states:StartExecution&startTime=${start}`);
    assert.equal(mine.length, 6);
    assert.deepEqual(
      mine.map((e) => e.service),
      ["states", "rest", "rest", "rest", "rest", "rest"],
    );
    assert.ok(
      mine.every((e) =>
        e.resources.includes("arn:aws:states:us-east-1:123456789012:stateMachine:alpha"),
      ),
    );
    assert.equal(
      (await audit(`accessKeyId=${lee.key.accessKeyId}&action=states:StartExecution`)).length,
      1,
    );
    const byResource = await audit(
      `resource=${encodeURIComponent("arn:aws:states:us-east-1:123456789012:stateMachine:alpha")}&user=lee`,
    );
    assert.equal(byResource.length, 6);
    assert.deepEqual(await audit(`user=lee&endTime=${start}&action=states:StartExecution`), []);

    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      pages++;
      const page = await rest(
        server.url,
        "GET",
        `/v1/audit/events?user=lee&limit=2${next ? `&nextToken=${encodeURIComponent(next)}` : ""}`,
      );
      assert.ok(page.body.items.length <= 2);
      seen.push(...page.body.items.map((e: { id: string }) => e.id));
      next = page.body.nextToken;
    } while (next);
    const all = await audit("user=lee&limit=1000");
    assert.deepEqual(
      seen,
      all.map((e) => e.id),
    );
    assert.equal(all.length, 6);
    assert.equal(pages, 3);
    const bad = await rest(server.url, "GET", "/v1/audit/events?nextToken=garbage");
    assert.equal(bad.status, 400);
  });

  test("append-only: no route changes it, and the database refuses updates and deletes", async () => {
    assert.equal((await rest(server.url, "DELETE", "/v1/audit/events")).status, 404);
    assert.equal((await rest(server.url, "PUT", "/v1/audit/events", {})).status, 404);
    await assert.rejects(
      queryStored(server.dataDir, "UPDATE audit_events SET outcome = 'Success'"),
      /append-only/,
    );
    await assert.rejects(queryStored(server.dataDir, "DELETE FROM audit_events"), /append-only/);
  });
});
