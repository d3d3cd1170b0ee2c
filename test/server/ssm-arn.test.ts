/**
 * Parameter ARNs where SSM takes them, through @aws-sdk/client-ssm against a real server
 * process: GetParameter, GetParameters and GetParameterHistory take a name or an ARN
 * (`...:parameter/a/b` for `/a/b`, `...:parameter/a` for `a`), with or without `:VERSION`;
 * an ARN of another account is AccessDeniedException, of another region ValidationException;
 * the writes and deletes take names only, as SSM's do. Permissions are checked on the
 * parameter's real ARN either way: a Deny on a path holds for ARN requests, and the audit log
 * names the real resource.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import { makeUser } from "./auth-helpers.js";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";

const PREFIX = "arn:aws:ssm:us-east-1:123456789012:parameter";
const OTHER_ACCOUNT = "arn:aws:ssm:us-east-1:999999999999:parameter/app/db/url";
const OTHER_REGION = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/url";
const SECRET = "s3cret-Zq9!-value";

let server: ServerProcess;
let client: ssm.SSMClient;

const get = (Name: string, WithDecryption = false, as = client) =>
  as.send(new ssm.GetParameterCommand({ Name, WithDecryption }));
const getMany = (Names: string[], as = client) => as.send(new ssm.GetParametersCommand({ Names }));
const history = (Name: string, as = client) =>
  as.send(new ssm.GetParameterHistoryCommand({ Name }));

before(async () => {
  server = await startServerProcess();
  client = new ssm.SSMClient(sdkConfig(server.url));
  const put = (Name: string, Value: string, Type: ssm.ParameterType = "String") =>
    client.send(new ssm.PutParameterCommand({ Name, Value, Type, Overwrite: true }));
  await put("/app/db/url", "postgres://v1");
  await put("/app/db/url", "postgres://v2");
  await put("/app/db/pw", SECRET, "SecureString");
  await put("/team-a/pw", SECRET, "SecureString");
  await put("/public/motd", "hello");
  await put("plain", "no slash");
  await put("/solo", "one level");
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

describe("reads by ARN", () => {
  test("GetParameter: an ARN reads the parameter it names, versions too", async () => {
    const byArn = (await get(`${PREFIX}/app/db/url`)).Parameter;
    const byName = (await get("/app/db/url")).Parameter;
    assert.deepEqual(byArn, byName);
    assert.equal(byArn?.Name, "/app/db/url", "the name, as SSM answers, not the ARN");
    assert.equal(byArn?.ARN, `${PREFIX}/app/db/url`);
    assert.equal(byArn?.Value, "postgres://v2");

    const first = (await get(`${PREFIX}/app/db/url:1`)).Parameter;
    assert.equal(first?.Value, "postgres://v1");
    assert.equal(first?.Selector, ":1");
    await rejectsWith(get(`${PREFIX}/app/db/url:7`), "ParameterVersionNotFound");

    // One level: `a` and `/a` both have the ARN `...:parameter/a`.
    assert.equal((await get(`${PREFIX}/plain`)).Parameter?.Name, "plain");
    assert.equal((await get(`${PREFIX}/solo`)).Parameter?.Name, "/solo");
    assert.equal((await get(`${PREFIX}/solo`)).Parameter?.Value, "one level");

    assert.equal((await get(`${PREFIX}/app/db/pw`, true)).Parameter?.Value, SECRET);
    await rejectsWith(get(`${PREFIX}/app/db/nothing`), "ParameterNotFound");
    // SSM does not check an ARN's service part.
    assert.equal(
      (await get("arn:aws:anything:us-east-1:123456789012:parameter/plain")).Parameter?.Value,
      "no slash",
    );
  });

  test("GetParameters: names and ARNs mixed; unknown ones listed as written", async () => {
    const result = await getMany([
      `${PREFIX}/app/db/url`,
      "/app/db/url",
      `${PREFIX}/plain:1`,
      `${PREFIX}/ghost`,
      "/ghost/two",
    ]);
    assert.deepEqual(result.Parameters?.map((p) => [p.Name, p.Value]).sort(), [
      ["/app/db/url", "postgres://v2"],
      ["plain", "no slash"],
    ]);
    assert.deepEqual(result.InvalidParameters?.sort(), ["/ghost/two", `${PREFIX}/ghost`]);
  });

  test("GetParameterHistory: by ARN", async () => {
    const versions = await history(`${PREFIX}/app/db/url`);
    assert.deepEqual(
      versions.Parameters?.map((p) => [p.Name, p.Version, p.Value]),
      [
        ["/app/db/url", 1, "postgres://v1"],
        ["/app/db/url", 2, "postgres://v2"],
      ],
    );
    await rejectsWith(history(`${PREFIX}/app/nothing`), "ParameterNotFound");
  });

  test("another account: AccessDeniedException; another region or not a parameter ARN: ValidationException", async () => {
    for (const send of [
      () => get(OTHER_ACCOUNT),
      () => getMany(["/app/db/url", OTHER_ACCOUNT]),
      () => history(OTHER_ACCOUNT),
      () => get("arn:aws-cn:ssm:us-east-1:123456789012:parameter/app/db/url"),
    ])
      await rejectsWith(
        send(),
        "AccessDeniedException",
        /is not authorized to perform: ssm:GetParameter(s|History)? on resource: arn:aws(-cn)?:ssm:us-east-1:\d+:parameter\/app\/db\/url because no resource-based policy allows/,
      );
    for (const send of [
      () => get(OTHER_REGION),
      () => getMany([OTHER_REGION]),
      () => history(OTHER_REGION),
    ])
      await rejectsWith(send(), "ValidationException", /region eu-west-1/);
    for (const bad of [
      "arn:aws:ssm:us-east-1:123456789012:document/app",
      "arn:aws:ssm:us-east-1:123456789012:parameter/",
      "arn:",
    ])
      await rejectsWith(get(bad), "ValidationException", /not a parameter ARN/);
  });

  test("writes and deletes take names only (as SSM's do): an ARN is refused and nothing changes", async () => {
    const arn = `${PREFIX}/public/motd`;
    await rejectsWith(
      client.send(new ssm.DeleteParameterCommand({ Name: arn })),
      "ValidationException",
      /is an ARN/,
    );
    await rejectsWith(
      client.send(new ssm.DeleteParametersCommand({ Names: ["/public/motd", arn] })),
      "ValidationException",
      /is an ARN/,
    );
    await rejectsWith(
      client.send(
        new ssm.PutParameterCommand({ Name: arn, Value: "x", Type: "String", Overwrite: true }),
      ),
      "ValidationException",
      /is an ARN/,
    );
    const kept = (await get("/public/motd")).Parameter;
    assert.equal(kept?.Value, "hello");
    assert.equal(kept?.Version, 1);
  });
});

describe("permissions are checked on the parameter an ARN names", () => {
  test("a Deny on a path holds for ARN requests; decryption is checked on the real ARN", async () => {
    const fenced = await makeUser(server.url, "arn-fenced", ["viewer"]);
    const policy = await rest(server.url, "PUT", "/v1/users/arn-fenced/policies/fence", {
      document: {
        Statement: [
          { Effect: "Deny", Action: "ssm:Get*", Resource: "arn:aws:ssm:*:*:parameter/app/db/*" },
          {
            Effect: "Allow",
            Action: "ssm:DecryptParameter",
            Resource: "arn:aws:ssm:*:*:parameter/team-a/*",
          },
        ],
      },
    });
    assert.equal(policy.status, 200, JSON.stringify(policy.body));
    const as = new ssm.SSMClient({ ...sdkConfig(server.url), credentials: fenced.key });
    try {
      for (const name of ["/app/db/url", `${PREFIX}/app/db/url`, `${PREFIX}/app/db/url:1`]) {
        await rejectsWith(get(name, false, as), "AccessDeniedException", /explicit deny/);
        await rejectsWith(getMany([name], as), "AccessDeniedException", /explicit deny/);
      }
      await rejectsWith(history(`${PREFIX}/app/db/url`, as), "AccessDeniedException");
      assert.equal((await get(`${PREFIX}/public/motd`, false, as)).Parameter?.Value, "hello");

      assert.equal((await get(`${PREFIX}/team-a/pw`, true, as)).Parameter?.Value, SECRET);
      await secureOutsideGrant(as);
    } finally {
      as.destroy();
    }

    const page = await rest(
      server.url,
      "GET",
      "/v1/audit/events?user=arn-fenced&action=ssm:GetParameter&limit=50",
    );
    assert.equal(page.status, 200);
    const resources = page.body.items.flatMap((e: { resources: string[] }) => e.resources);
    assert.ok(resources.includes(`${PREFIX}/app/db/url`), JSON.stringify(resources));
    assert.ok(
      resources.every((r: string) => !r.includes("parameter/arn:")),
      "never an ARN taken for a name",
    );
  });
});

/** A SecureString outside the user's decryption grant stays refused in clear, by ARN too. */
async function secureOutsideGrant(as: ssm.SSMClient) {
  await client.send(
    new ssm.PutParameterCommand({ Name: "/team-b/pw", Value: SECRET, Type: "SecureString" }),
  );
  await rejectsWith(
    get(`${PREFIX}/team-b/pw`, true, as),
    "AccessDeniedException",
    /ssm:DecryptParameter/,
  );
  const sealed = (await get(`${PREFIX}/team-b/pw`, false, as)).Parameter;
  assert.notEqual(sealed?.Value, SECRET);
}
