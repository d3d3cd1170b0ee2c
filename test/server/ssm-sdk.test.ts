/**
 * Parameters through @aws-sdk/client-ssm against a real server process: put, get, versions,
 * get-by-path with paging, describe, history, delete; errors as SSM's exception types; bad
 * input changes nothing; decryption needs ssm:DecryptParameter; PutParameter's value never
 * reaches the audit log.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as ssm from "@aws-sdk/client-ssm";
import { makeUser } from "./auth-helpers.js";
import { rest, type ServerProcess, sdkConfig, startServerProcess } from "./harness.js";
import { rejectsWith } from "./sdk-helpers.js";

let server: ServerProcess;
let client: ssm.SSMClient;

before(async () => {
  server = await startServerProcess();
  client = new ssm.SSMClient(sdkConfig(server.url));
});
after(async () => {
  client?.destroy();
  await server?.stop();
});

const SECRET = "hunter2-Zq9!clear-secret-value";

const put = (input: ssm.PutParameterCommandInput) =>
  client.send(new ssm.PutParameterCommand(input));
const get = (Name: string, WithDecryption = false) =>
  client.send(new ssm.GetParameterCommand({ Name, WithDecryption }));

describe("SSM parameters through @aws-sdk/client-ssm", () => {
  test("String, StringList and SecureString: put, get, decrypt, versions with Overwrite", async () => {
    assert.deepEqual(pick(await put({ Name: "/app/url", Value: "https://v1", Type: "String" })), {
      Version: 1,
      Tier: "Standard",
    });
    await put({ Name: "/app/hosts", Value: "a,b,c", Type: "StringList" });
    await put({ Name: "/app/db/password", Value: SECRET, Type: "SecureString" });

    const url = (await get("/app/url")).Parameter;
    assert.equal(url?.Value, "https://v1");
    assert.equal(url?.Type, "String");
    assert.equal(url?.Version, 1);
    assert.equal(url?.ARN, "arn:aws:ssm:us-east-1:123456789012:parameter/app/url");
    assert.equal(url?.DataType, "text");
    assert.ok(url?.LastModifiedDate instanceof Date);
    assert.equal((await get("/app/hosts")).Parameter?.Value, "a,b,c");

    const sealed = (await get("/app/db/password")).Parameter;
    assert.equal(sealed?.Type, "SecureString");
    assert.ok(sealed?.Value && sealed.Value !== SECRET && !sealed.Value.includes("hunter2"));
    assert.equal((await get("/app/db/password", true)).Parameter?.Value, SECRET);

    const v2 = await put({ Name: "/app/url", Value: "https://v2", Overwrite: true });
    assert.equal(v2.Version, 2);
    assert.equal((await get("/app/url")).Parameter?.Value, "https://v2");
    const first = (await get("/app/url:1")).Parameter;
    assert.equal(first?.Value, "https://v1");
    assert.equal(first?.Selector, ":1");
    await rejectsWith(get("/app/url:9"), "ParameterVersionNotFound");

    const history = await client.send(new ssm.GetParameterHistoryCommand({ Name: "/app/url" }));
    assert.deepEqual(
      history.Parameters?.map((p) => [p.Version, p.Value, p.LastModifiedUser]),
      [
        [1, "https://v1", "arn:aws:iam::123456789012:user/admin"],
        [2, "https://v2", "arn:aws:iam::123456789012:user/admin"],
      ],
    );
  });

  test("GetParameters reports unknown names; GetParametersByPath pages, recurses and filters", async () => {
    for (const name of ["/tree/a", "/tree/b", "/tree/c", "/tree/sub/d", "/tree/sub/deep/e"])
      await put({ Name: name, Value: name.toUpperCase(), Type: "String" });
    await put({ Name: "/tree/s", Value: SECRET, Type: "SecureString" });
    await put({ Name: "/treehouse", Value: "not under /tree", Type: "String" });

    const many = await client.send(
      new ssm.GetParametersCommand({ Names: ["/tree/a", "/tree/zzz", "/tree/b:1"] }),
    );
    assert.deepEqual(
      many.Parameters?.map((p) => p.Name),
      ["/tree/a", "/tree/b"],
    );
    assert.deepEqual(many.InvalidParameters, ["/tree/zzz"]);

    const direct: string[] = [];
    let NextToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(
        new ssm.GetParametersByPathCommand({ Path: "/tree", MaxResults: 2, NextToken }),
      );
      assert.ok((page.Parameters?.length ?? 0) <= 2);
      direct.push(...(page.Parameters ?? []).map((p) => p.Name as string));
      NextToken = page.NextToken;
      pages++;
    } while (NextToken);
    assert.deepEqual(direct, ["/tree/a", "/tree/b", "/tree/c", "/tree/s"]);
    assert.equal(pages, 2);

    const all = await client.send(
      new ssm.GetParametersByPathCommand({ Path: "/tree/", Recursive: true, MaxResults: 10 }),
    );
    assert.deepEqual(
      all.Parameters?.map((p) => p.Name),
      ["/tree/a", "/tree/b", "/tree/c", "/tree/s", "/tree/sub/d", "/tree/sub/deep/e"],
    );
    assert.notEqual(all.Parameters?.find((p) => p.Name === "/tree/s")?.Value, SECRET);

    const secure = await client.send(
      new ssm.GetParametersByPathCommand({
        Path: "/tree",
        Recursive: true,
        WithDecryption: true,
        ParameterFilters: [{ Key: "Type", Option: "Equals", Values: ["SecureString"] }],
      }),
    );
    assert.deepEqual(
      secure.Parameters?.map((p) => [p.Name, p.Value]),
      [["/tree/s", SECRET]],
    );

    const described = await client.send(
      new ssm.DescribeParametersCommand({
        ParameterFilters: [{ Key: "Name", Option: "BeginsWith", Values: ["/tree/s"] }],
      }),
    );
    assert.deepEqual(
      described.Parameters?.map((p) => [p.Name, p.Type, p.KeyId]),
      [
        ["/tree/s", "SecureString", "alias/aws/ssm"],
        ["/tree/sub/d", "String", undefined],
        ["/tree/sub/deep/e", "String", undefined],
      ],
    );
    assert.ok(described.Parameters?.every((p) => !("Value" in p)));
  });

  test("delete: DeleteParameter, DeleteParameters; a deleted name starts again at version 1", async () => {
    await put({ Name: "/gone/one", Value: "1", Type: "String" });
    await put({ Name: "/gone/one", Value: "2", Type: "String", Overwrite: true });
    await put({ Name: "/gone/two", Value: "2", Type: "String" });
    await client.send(new ssm.DeleteParameterCommand({ Name: "/gone/one" }));
    await rejectsWith(get("/gone/one"), "ParameterNotFound");
    await rejectsWith(
      client.send(new ssm.DeleteParameterCommand({ Name: "/gone/one" })),
      "ParameterNotFound",
    );
    const many = await client.send(
      new ssm.DeleteParametersCommand({ Names: ["/gone/two", "/gone/never"] }),
    );
    assert.deepEqual(many.DeletedParameters, ["/gone/two"]);
    assert.deepEqual(many.InvalidParameters, ["/gone/never"]);
    assert.equal((await put({ Name: "/gone/one", Value: "again", Type: "String" })).Version, 1);
  });

  test("bad input: SSM's error types, and nothing is changed", async () => {
    await put({ Name: "/bad/keep", Value: "original", Type: "String" });
    await rejectsWith(
      put({ Name: "/bad/keep", Value: "x", Type: "String" }),
      "ParameterAlreadyExists",
    );
    await rejectsWith(
      put({ Name: "a/b", Value: "x", Type: "String" }),
      "ValidationException",
      /fully qualified/,
    );
    await rejectsWith(put({ Name: "/bad//x", Value: "x", Type: "String" }), "ValidationException");
    await rejectsWith(put({ Name: "/bad/x!", Value: "x", Type: "String" }), "ValidationException");
    await rejectsWith(
      put({ Name: "/aws/x", Value: "x", Type: "String" }),
      "ValidationException",
      /aws/,
    );
    await rejectsWith(put({ Name: "ssmthing", Value: "x", Type: "String" }), "ValidationException");
    const deep = `/${Array.from({ length: 16 }, (_, i) => `l${i}`).join("/")}`;
    await rejectsWith(
      put({ Name: deep, Value: "x", Type: "String" }),
      "HierarchyLevelLimitExceededException",
    );
    await rejectsWith(
      put({ Name: "/bad/t", Value: "x", Type: "Binary" as ssm.ParameterType }),
      "UnsupportedParameterType",
    );
    await rejectsWith(
      put({ Name: "/bad/notype", Value: "x" }),
      "ValidationException",
      /type is required/,
    );
    await rejectsWith(
      put({ Name: "/bad/k", Value: "x", Type: "SecureString", KeyId: "not a key" }),
      "InvalidKeyId",
    );
    await rejectsWith(
      put({ Name: "/bad/k", Value: "x", Type: "String", KeyId: "alias/mine" }),
      "ValidationException",
    );
    await rejectsWith(
      put({ Name: "/bad/keep", Value: "x".repeat(4097), Overwrite: true }),
      "ValidationException",
      /4096/,
    );
    await rejectsWith(
      put({ Name: "/bad/p", Value: "abc", Type: "String", AllowedPattern: "^\\d+$" }),
      "ParameterPatternMismatchException",
    );
    await rejectsWith(get("/bad/missing"), "ParameterNotFound");
    await rejectsWith(get("/bad/keep:label"), "ValidationException", /labels/);
    await rejectsWith(
      client.send(new ssm.GetParametersByPathCommand({ Path: "relative" })),
      "ValidationException",
    );
    await rejectsWith(
      client.send(
        new ssm.GetParametersByPathCommand({
          Path: "/bad",
          ParameterFilters: [{ Key: "Label", Values: ["x"] }],
        }),
      ),
      "InvalidFilterKey",
    );

    const kept = (await get("/bad/keep")).Parameter;
    assert.deepEqual([kept?.Value, kept?.Version], ["original", 1]);
    for (const name of ["/bad/t", "/bad/notype", "/bad/k", "/bad/p", "/bad/x!"])
      await rejectsWith(
        get(name),
        name === "/bad/x!" ? "ValidationException" : "ParameterNotFound",
      );
    // Advanced tier takes up to 8 KB.
    const big = await put({
      Name: "/bad/big",
      Value: "y".repeat(6000),
      Type: "String",
      Tier: "Advanced",
    });
    assert.equal(big.Tier, "Advanced");
  });

  test("decryption needs ssm:DecryptParameter: a viewer reads ciphertext, is refused clear text and writes", async () => {
    await put({ Name: "/perm/secret", Value: SECRET, Type: "SecureString" });
    await put({ Name: "/perm/plain", Value: "visible", Type: "String" });
    const viewer = await makeUser(server.url, "ssm-viewer", ["viewer"]);
    const as = new ssm.SSMClient({ ...sdkConfig(server.url), credentials: viewer.key });
    try {
      assert.equal(
        (await as.send(new ssm.GetParameterCommand({ Name: "/perm/plain", WithDecryption: true })))
          .Parameter?.Value,
        "visible",
      );
      const sealed = await as.send(new ssm.GetParameterCommand({ Name: "/perm/secret" }));
      assert.notEqual(sealed.Parameter?.Value, SECRET);
      await rejectsWith(
        as.send(new ssm.GetParameterCommand({ Name: "/perm/secret", WithDecryption: true })),
        "AccessDeniedException",
        /ssm:DecryptParameter/,
      );
      await rejectsWith(
        as.send(new ssm.PutParameterCommand({ Name: "/perm/new", Value: "x", Type: "String" })),
        "AccessDeniedException",
      );
    } finally {
      as.destroy();
    }
  });

  test("the audit log records PutParameter without its value", async () => {
    await put({ Name: "/audit/secret", Value: SECRET, Type: "SecureString" });
    const page = await rest(server.url, "GET", "/v1/audit/events?action=ssm:PutParameter");
    assert.equal(page.status, 200);
    const mine = page.body.items.filter((e: { parameters?: unknown }) =>
      JSON.stringify(e.parameters ?? null).includes("/audit/secret"),
    );
    assert.equal(mine.length, 1);
    assert.ok(!JSON.stringify(page.body).includes("hunter2"));
    assert.equal(mine[0].parameters.Value, "***");
  });
});

function pick(output: { Version?: number; Tier?: string }) {
  return { Version: output.Version, Tier: output.Tier };
}
