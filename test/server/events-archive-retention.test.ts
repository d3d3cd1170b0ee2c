/**
 * Archive retention on a running server whose clock the test fast-forwards: the purge loop
 * removes archived events once they are older than RetentionDays, without any call.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { RunningServer } from "../../src/server/compose.js";
import { AdjustableClock, call, startOpsServer } from "../ops/helpers.js";
import { eventually } from "./harness.js";

const HOUR = 3_600_000;
const clock = new AdjustableClock();
let server: RunningServer;

before(async () => {
  server = await startOpsServer(clock, {});
});
after(async () => {
  await server?.close();
});

const count = async (name: string) =>
  (await call(server.url, "GET", `/v1/archives/${name}`)).body.eventCount as number;

test("expired archived events are purged by the retention loop as the clock moves", async () => {
  for (const [name, retentionDays] of [
    ["one-day", 1],
    ["forever", 0],
  ] as const) {
    const created = await call(server.url, "POST", "/v1/archives", { name, retentionDays });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
  const put = (n: number) =>
    call(server.url, "POST", "/v1/events", {
      entries: [{ source: "app", detailType: "t", detail: { n } }],
    });
  await put(1);
  await put(2);
  clock.advance(12 * HOUR);
  await put(3);
  assert.equal(await count("one-day"), 3);
  // Each check moves the clock past the loop's interval too: a round that failed under load
  // is retried at once rather than a minute later.
  const purgedTo = (expected: number) =>
    eventually(async () => {
      clock.advance(61_000);
      return (await count("one-day")) === expected ? true : undefined;
    });
  clock.advance(13 * HOUR);
  await purgedTo(1);
  clock.advance(12 * HOUR);
  await purgedTo(0);
  assert.equal(await count("forever"), 3);
});
