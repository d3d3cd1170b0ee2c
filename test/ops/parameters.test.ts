/**
 * Parameters on the native REST API and the CLI, against an in-process server: put, get
 * (versions, decryption), list by path, history, delete; SecureStrings read as `***` unless
 * decrypted by a caller allowed ssm:DecryptParameter; bad input changes nothing; the audit log
 * never keeps a value.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { generateApiToken, hashApiToken } from "../../src/auth/key-hash.js";
import type { RunningServer } from "../../src/server/compose.js";
import { runCliAsync, serverEnv } from "../cli/helpers.js";
import { ADMIN } from "../server/harness.js";
import { AdjustableClock, call, startOpsServer } from "./helpers.js";

const SECRET = "correct-horse-battery-staple-91";
let server: RunningServer;
let viewer: string;

const at = (name: string, rest = "") => `/v1/parameters/${encodeURIComponent(name)}${rest}`;

before(async () => {
  server = await startOpsServer(new AdjustableClock(), {});
  await server.store.createUser({ name: "pviewer", createdAt: Date.now(), updatedAt: Date.now() });
  await server.store.grantRole("user", "pviewer", "viewer");
  viewer = generateApiToken();
  await server.store.createApiToken({
    id: randomUUID(),
    tokenHash: hashApiToken(viewer),
    user: "pviewer",
    status: "Active",
    createdAt: Date.now(),
  });
});
after(async () => {
  await server?.close();
});

const opsflow = (token: string, ...args: string[]) =>
  runCliAsync(args, serverEnv(server.url, token));

describe("parameters on the REST API", () => {
  test("put, versions, get with and without decryption, list by path, history, delete", async () => {
    const first = await call(server.url, "PUT", at("/svc/db/password"), {
      type: "SecureString",
      value: SECRET,
      description: "db",
    });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body, { name: "/svc/db/password", version: 1, tier: "Standard" });
    await call(server.url, "PUT", at("/svc/url"), { type: "String", value: "http://a" });
    const second = await call(server.url, "PUT", at("/svc/url"), {
      value: "http://b",
      overwrite: true,
    });
    assert.equal(second.body.version, 2);

    const hidden = await call(server.url, "GET", at("/svc/db/password"));
    assert.equal(hidden.status, 200);
    assert.equal(hidden.body.value, "***");
    assert.equal(hidden.body.keyId, "alias/aws/ssm");
    const clear = await call(server.url, "GET", at("/svc/db/password", "?withDecryption=true"));
    assert.equal(clear.body.value, SECRET);
    assert.equal(
      (await call(server.url, "GET", at("/svc/url", "?version=1"))).body.value,
      "http://a",
    );

    const list = await call(server.url, "GET", "/v1/parameters?path=/svc&recursive=true");
    assert.deepEqual(
      list.body.items.map((p: { name: string; value: string }) => [p.name, p.value]),
      [
        ["/svc/db/password", "***"],
        ["/svc/url", "http://b"],
      ],
    );
    const direct = await call(server.url, "GET", "/v1/parameters?path=/svc");
    assert.deepEqual(
      direct.body.items.map((p: { name: string }) => p.name),
      ["/svc/url"],
    );

    const history = await call(server.url, "GET", at("/svc/url", "/history"));
    assert.deepEqual(
      history.body.items.map((p: { version: number; value: string }) => [p.version, p.value]),
      [
        [1, "http://a"],
        [2, "http://b"],
      ],
    );

    assert.equal((await call(server.url, "DELETE", at("/svc/url"))).status, 200);
    const gone = await call(server.url, "GET", at("/svc/url"));
    assert.equal(gone.status, 404);
    assert.equal(gone.body.error.code, "ParameterNotFound");
  });

  test("a viewer reads values but SecureStrings only as ***: decrypting is refused", async () => {
    await call(server.url, "PUT", at("/v/secret"), { type: "SecureString", value: SECRET });
    const sealed = await call(server.url, "GET", at("/v/secret"), undefined, viewer);
    assert.equal(sealed.status, 200);
    assert.equal(sealed.body.value, "***");
    const refused = await call(
      server.url,
      "GET",
      at("/v/secret", "?withDecryption=true"),
      undefined,
      viewer,
    );
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "AccessDeniedException");
    assert.ok(!JSON.stringify(refused.body).includes(SECRET));
    const put = await call(
      server.url,
      "PUT",
      at("/v/other"),
      { type: "String", value: "x" },
      viewer,
    );
    assert.equal(put.status, 403);
  });

  test("bad input: a clear error and nothing changed", async () => {
    await call(server.url, "PUT", at("/b/keep"), { type: "String", value: "original" });
    const cases: [string, unknown, number, string][] = [
      ["/b/keep", { type: "String", value: "x" }, 409, "ParameterAlreadyExists"],
      ["b/rel", { type: "String", value: "x" }, 400, "ValidationException"],
      ["/b/keep", { value: "x".repeat(4097), overwrite: true }, 400, "ValidationException"],
      ["/b/new", { value: "x" }, 400, "ValidationException"],
      ["/b/new", { type: "Binary", value: "x" }, 400, "ValidationException"],
      ["/b/new", { type: "String", value: "" }, 400, "ValidationException"],
      ["/aws/new", { type: "String", value: "x" }, 400, "ValidationException"],
    ];
    for (const [name, body, status, code] of cases) {
      const answer = await call(server.url, "PUT", at(name), body);
      assert.equal(
        answer.status,
        status,
        `${name} ${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(answer.body)}`,
      );
      assert.equal(answer.body.error.code, code);
    }
    const kept = await call(server.url, "GET", at("/b/keep"));
    assert.deepEqual([kept.body.value, kept.body.version], ["original", 1]);
    assert.equal((await call(server.url, "GET", at("/b/new"))).status, 404);
    const version = await call(server.url, "GET", at("/b/keep", "?version=7"));
    assert.equal(version.status, 404);
    assert.equal(version.body.error.code, "ParameterVersionNotFound");
  });

  test("the audit log keeps a PUT without its value", async () => {
    await call(server.url, "PUT", at("/audited"), { type: "SecureString", value: SECRET });
    const page = await call(
      server.url,
      "GET",
      "/v1/audit/events?action=ssm:PutParameter&limit=100",
    );
    assert.equal(page.status, 200);
    assert.ok(page.body.items.length > 0);
    assert.ok(!JSON.stringify(page.body).includes(SECRET));
    const event = page.body.items.find((e: { resources: string[] }) =>
      e.resources.includes("arn:aws:ssm:us-east-1:123456789012:parameter/audited"),
    );
    assert.equal(event.parameters.body.value, "***");
  });
});

describe("opsflow parameters (CLI)", () => {
  test("put from a file, get, get --with-decryption, list, history, delete, --json, --help", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "opsflow-cli-param-")), "secret.txt");
    writeFileSync(file, `${SECRET}\n`);
    const put = await opsflow(
      ADMIN.token,
      "parameters",
      "put",
      "/cli/secret",
      "--type",
      "SecureString",
      "--value-file",
      file,
    );
    assert.equal(put.code, 0, put.stderr);
    assert.match(put.stdout, /\/cli\/secret\tv1/);
    const again = await opsflow(
      ADMIN.token,
      "parameters",
      "put",
      "/cli/secret",
      "--value",
      "second",
      "--overwrite",
    );
    assert.equal(again.code, 0, again.stderr);

    const hidden = await opsflow(ADMIN.token, "parameters", "get", "/cli/secret");
    assert.equal(hidden.code, 0, hidden.stderr);
    assert.match(hidden.stdout, /\/cli\/secret\tSecureString\tv2\t\*\*\*/);
    assert.ok(!hidden.stdout.includes("second"));
    const clear = await opsflow(
      ADMIN.token,
      "parameters",
      "get",
      "/cli/secret:1",
      "--with-decryption",
      "--value-only",
    );
    assert.equal(clear.stdout.trim(), SECRET);
    const json = await opsflow(ADMIN.token, "parameters", "get", "/cli/secret", "--json");
    assert.equal(JSON.parse(json.stdout).value, "***");

    const list = await opsflow(ADMIN.token, "parameters", "list", "--path", "/cli");
    assert.match(list.stdout, /\/cli\/secret\tSecureString\tv2\t\*\*\*/);
    const history = await opsflow(ADMIN.token, "parameters", "history", "/cli/secret");
    assert.equal(history.stdout.trim().split("\n").length, 2);
    assert.ok(!history.stdout.includes(SECRET));

    const refused = await opsflow(viewer, "parameters", "get", "/cli/secret", "--with-decryption");
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /AccessDenied|ssm:DecryptParameter/);

    const missing = await opsflow(ADMIN.token, "parameters", "put", "/cli/x", "--type", "String");
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /--value/);

    assert.equal((await opsflow(ADMIN.token, "parameters", "delete", "/cli/secret")).code, 0);
    const gone = await opsflow(ADMIN.token, "parameters", "get", "/cli/secret");
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /not found/);

    const help = await opsflow(ADMIN.token, "parameters", "put", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--with-decryption|--value-file/);
  });
});
