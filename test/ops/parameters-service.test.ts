/**
 * The parameter service and the reference resolver on a real SQLite store (`:memory:`): what
 * the store keeps of a SecureString is sealed and bound to its name and version; references
 * resolve (and fail) as documented, only at dispatch.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Json } from "../../src/asl/json.js";
import { generateMasterKey } from "../../src/kernel/secret-box.js";
import { ParameterError } from "../../src/ops/parameters/errors.js";
import { parseSelector } from "../../src/ops/parameters/names.js";
import {
  hasReferences,
  referencesIn,
  resolvingDispatcher,
} from "../../src/ops/parameters/references.js";
import { ParameterService } from "../../src/ops/parameters/service.js";
import { TaskFailure, type TaskInvocation } from "../../src/runtime/task-dispatcher.js";
import type { Store } from "../../src/store/port.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const SECRET = "s3cret-for-the-service-test";
let store: Store;
let service: ParameterService;

before(async () => {
  store = openSqliteStore({ path: ":memory:" });
  service = new ParameterService({
    store,
    masterKey: generateMasterKey(),
    now: () => 1_700_000_000_000,
    region: "eu-west-1",
    account: "111122223333",
    maxParameters: 20,
  });
  await service.put({ name: "/s/pw", value: SECRET, type: "SecureString" }, "alice");
  await service.put({ name: "/s/user", value: "app", type: "String" }, "alice");
});
after(async () => {
  await store.close();
});

const code = (c: string) => (error: unknown) => error instanceof ParameterError && error.code === c;

describe("parameter service", () => {
  test("a SecureString is stored sealed and opens only for its own name and version", async () => {
    const stored = await store.getParameter("/s/pw");
    assert.ok(stored && !stored.value.includes(SECRET) && stored.value.startsWith("v1:"));
    assert.equal((await service.get("/s/pw", true)).value, SECRET);
    const opaque = await service.get("/s/pw", false);
    assert.equal(opaque.decrypted, false);
    assert.notEqual(opaque.value, SECRET);
    // The sealed value copied onto another parameter does not open there.
    await store.putParameter(
      "/s/copy",
      (_c, next) => ({ ...stored, name: "/s/copy", version: next }),
      100,
    );
    await assert.rejects(service.get("/s/copy", true), /could not be decrypted/);
    assert.equal(
      (await service.get("/s/pw", async () => true)).value,
      SECRET,
      "a permission check that allows",
    );
    await assert.rejects(
      service.get("/s/pw", async () => false),
      code("AccessDeniedException"),
    );
    assert.equal(
      (await service.get("/s/user", async () => false)).value,
      "app",
      "String: no check",
    );
  });

  test("ARNs, selectors and the parameter limit", async () => {
    assert.equal(service.arn("/a/b"), "arn:aws:ssm:eu-west-1:111122223333:parameter/a/b");
    assert.equal(service.arn("flat"), "arn:aws:ssm:eu-west-1:111122223333:parameter/flat");
    assert.deepEqual(parseSelector("/a/b:12"), { name: "/a/b", version: 12 });
    assert.throws(() => parseSelector("/a/b:0"), code("ValidationException"));
    for (let i = 0; i < 17; i++)
      await service.put({ name: `/fill/${i}`, value: "x", type: "String" }, "alice");
    await assert.rejects(
      service.put({ name: "/fill/one-too-many", value: "x", type: "String" }, "alice"),
      code("ParameterLimitExceeded"),
    );
    // Overwriting stays possible at the limit.
    await service.put({ name: "/fill/0", value: "y", overwrite: true }, "alice");
    assert.equal(await store.getParameter("/fill/one-too-many"), undefined);
  });
});

describe("references", () => {
  test("are found in strings; malformed ones are refused", () => {
    assert.deepEqual(referencesIn("a {{resolve:ssm:/x}} b {{resolve:ssm-secure:/y:2}}"), [
      { secure: false, selector: "/x" },
      { secure: true, selector: "/y:2" },
    ]);
    assert.throws(() => referencesIn("{{resolve:ssm:/x"), /malformed/);
    assert.equal(hasReferences({ a: [1, { b: "{{resolve:ssm:/x}}" }] }), true);
    assert.equal(hasReferences({ a: "{{resolve:secretsmanager:x}}" }), false);
  });

  test("resolve right before the inner dispatcher, never in the invocation's input", async () => {
    const seen: Json[] = [];
    const inner = {
      invoke: async (invocation: TaskInvocation) => {
        seen.push(invocation.parameters);
        return "ok";
      },
    };
    // The workflow's definition names these parameters (and /s/none, bad name): only those resolve.
    const definition = JSON.stringify({
      A: ["{{resolve:ssm-secure:/s/pw}}", "{{resolve:ssm:/s/user:1}}", "/s/none", "bad name"],
    });
    const definitionOf = async () => definition;
    const dispatcher = resolvingDispatcher(inner, service, definitionOf);
    const parameters = {
      password: "{{resolve:ssm-secure:/s/pw}}",
      dsn: "user={{resolve:ssm:/s/user:1}};db=x",
      list: ["{{resolve:ssm:/s/user}}", 3],
    };
    const invocation = {
      resource: "arn:aws:states:::http:invoke",
      parameters,
      stateName: "S",
      idempotencyKey: "k",
      executionArn: "arn:aws:states:eu-west-1:111122223333:execution:m:e",
    };
    const signal = new AbortController().signal;
    assert.equal(await dispatcher.invoke(invocation, signal), "ok");
    assert.deepEqual(seen[0], { password: SECRET, dsn: "user=app;db=x", list: ["app", 3] });
    assert.equal(parameters.password, "{{resolve:ssm-secure:/s/pw}}", "the input is not changed");

    const failure = async (p: Json, resource = invocation.resource) => {
      try {
        await dispatcher.invoke({ ...invocation, resource, parameters: p }, signal);
      } catch (error) {
        assert.ok(error instanceof TaskFailure);
        assert.ok(!String(error.cause).includes(SECRET));
        return error.error;
      }
      return "no failure";
    };
    assert.equal(await failure({ a: "{{resolve:ssm:/s/none}}" }), "Parameters.NotFound");
    assert.equal(
      await failure({ a: "{{resolve:ssm-secure:/s/pw:5}}" }),
      "Parameters.VersionNotFound",
    );
    assert.equal(await failure({ a: "{{resolve:ssm:/s/pw}}" }), "Parameters.InvalidReference");
    assert.equal(
      await failure({ a: "{{resolve:ssm-secure:/s/user}}" }),
      "Parameters.InvalidReference",
    );
    assert.equal(await failure({ a: "{{resolve:ssm:bad name}}" }), "Parameters.InvalidReference");
    // A reference arriving in data, naming a parameter the definition does not: not resolved.
    assert.equal(
      await failure({ a: "{{resolve:ssm-secure:/s/other}}" }),
      "Parameters.InvalidReference",
    );
    // Resources that keep their input inside opsflow never get a SecureString in clear.
    assert.equal(
      await failure(
        { Title: "{{resolve:ssm-secure:/s/pw}}" },
        "arn:aws:states:::opsflow:incident.open",
      ),
      "Parameters.InvalidReference",
    );
    assert.equal(seen.length, 1, "no failed resolution reached the runner");

    // A runner whose error echoes what it was sent: the secret is scrubbed from the cause.
    const echoing = resolvingDispatcher(
      {
        invoke: async (i: TaskInvocation) => {
          throw new TaskFailure(
            "States.Http.Socket",
            `connect failed: ${JSON.stringify(i.parameters)}`,
          );
        },
      },
      service,
      definitionOf,
    );
    await assert.rejects(
      echoing.invoke(
        { ...invocation, parameters: { url: "https://h/?t={{resolve:ssm-secure:/s/pw}}" } },
        signal,
      ),
      (error: TaskFailure) => {
        assert.equal(error.error, "States.Http.Socket");
        assert.ok(!String(error.cause).includes(SECRET), String(error.cause));
        assert.match(String(error.cause), /t=\*\*\*/);
        return true;
      },
    );
  });
});
