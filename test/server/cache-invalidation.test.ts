/**
 * The server caches what every request looks up (credentials, permissions, state machines):
 * on a real server process, each change made through the API takes effect on the very next
 * request, after the cache was warmed by earlier ones.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { awsAs, makeUser, restAs } from "./auth-helpers.js";
import { eventually, rest, type ServerProcess, startServerProcess } from "./harness.js";

let server: ServerProcess;
before(async () => {
  server = await startServerProcess();
});
after(async () => {
  await server?.stop();
});

const WARM_UP = 3;

describe("cache invalidation", () => {
  test("a token deactivated while cached is refused on the next request, and works once activated", async () => {
    const user = await makeUser(server.url, "tina", ["viewer"]);
    const id = (await rest(server.url, "GET", "/v1/users/tina/tokens")).body.items[0].id;
    for (let i = 0; i < WARM_UP; i++)
      assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 200);
    const base = `/v1/users/tina/tokens/${id}`;
    assert.equal((await rest(server.url, "POST", `${base}/deactivate`)).status, 204);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 401);
    assert.equal((await rest(server.url, "POST", `${base}/activate`)).status, 204);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 200);
    assert.equal((await rest(server.url, "DELETE", base)).status, 204);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 401);
  });

  test("an access key deactivated while cached is refused on the next request", async () => {
    const user = await makeUser(server.url, "kim", ["viewer"]);
    for (let i = 0; i < WARM_UP; i++)
      assert.equal((await awsAs(server.url, user.key, "states", "ListStateMachines")).status, 200);
    const base = `/v1/users/kim/access-keys/${user.key.accessKeyId}`;
    assert.equal((await rest(server.url, "POST", `${base}/deactivate`)).status, 204);
    const refused = await awsAs(server.url, user.key, "states", "ListStateMachines");
    assert.equal(refused.status, 400);
    assert.match(String(refused.json?.__type), /UnrecognizedClientException/);
    assert.equal((await rest(server.url, "POST", `${base}/activate`)).status, 204);
    assert.equal((await awsAs(server.url, user.key, "states", "ListStateMachines")).status, 200);
  });

  test("a revoked role denies the next request; granting it back allows the next one", async () => {
    const user = await makeUser(server.url, "rory", ["viewer"]);
    for (let i = 0; i < WARM_UP; i++)
      assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 200);
    assert.equal((await rest(server.url, "DELETE", "/v1/users/rory/roles/viewer")).status, 204);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 403);
    assert.equal((await rest(server.url, "PUT", "/v1/users/rory/roles/viewer")).status, 204);
    assert.equal((await restAs(server.url, user.token, "GET", "/v1/state-machines")).status, 200);
  });

  test("StartExecution runs the definition as just updated, and refuses a just deleted machine", async () => {
    const definition = (result: string) => ({
      StartAt: "P",
      States: { P: { Type: "Pass", Result: result, End: true } },
    });
    const outputOf = async () => {
      const started = await rest(server.url, "POST", "/v1/state-machines/flip/executions", {});
      assert.equal(started.status, 201, JSON.stringify(started.body));
      const arn = encodeURIComponent(started.body.executionArn);
      const done = await eventually(async () => {
        const described = await rest(server.url, "GET", `/v1/executions/${arn}`);
        return described.body.status === "RUNNING" ? undefined : described.body;
      });
      return done.output;
    };
    assert.equal(
      (
        await rest(server.url, "POST", "/v1/state-machines", {
          name: "flip",
          definition: definition("v1"),
        })
      ).status,
      201,
    );
    for (let i = 0; i < WARM_UP; i++) assert.equal(await outputOf(), "v1");
    const updated = await rest(server.url, "PUT", "/v1/state-machines/flip", {
      definition: definition("v2"),
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(await outputOf(), "v2");
    assert.equal((await rest(server.url, "DELETE", "/v1/state-machines/flip")).status, 204);
    const refused = await rest(server.url, "POST", "/v1/state-machines/flip/executions", {});
    assert.equal(refused.status, 404, JSON.stringify(refused.body));
  });
});
