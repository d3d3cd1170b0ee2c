/**
 * Reconnect back-off with full jitter, with injected randomness and sleep (no real waiting).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Backoff, fullJitterDelayMs } from "../../../src/fleet/agent/backoff.js";

describe("fullJitterDelayMs", () => {
  test("the window doubles from the base up to the cap", () => {
    const top = () => 0.999999;
    const windows = [0, 1, 2, 3, 4, 5, 6, 7, 20, 2000].map((attempt) =>
      Math.round(fullJitterDelayMs(attempt, top, 1000, 60_000) / 1000),
    );
    assert.deepEqual(windows, [1, 2, 4, 8, 16, 32, 60, 60, 60, 60]);
  });

  test("full jitter: anywhere from 0 to the window, by the random value", () => {
    assert.equal(
      fullJitterDelayMs(3, () => 0, 1000, 60_000),
      0,
    );
    assert.equal(
      fullJitterDelayMs(3, () => 0.5, 1000, 60_000),
      4000,
    );
    assert.equal(
      fullJitterDelayMs(10, () => 0.25, 1000, 60_000),
      15_000,
    );
  });

  test("a thousand agents failing at once spread over the window instead of returning together", () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const delays = Array.from({ length: 1000 }, () => fullJitterDelayMs(6, random, 1000, 60_000));
    assert.ok(delays.every((d) => d >= 0 && d < 60_000));
    // Each 6-second tenth of the window gets a share near 100, none gets most of them.
    const buckets = Array.from({ length: 10 }, () => 0);
    for (const d of delays) buckets[Math.floor(d / 6000)] += 1;
    assert.ok(Math.max(...buckets) < 150, `buckets ${buckets}`);
    assert.ok(Math.min(...buckets) > 50, `buckets ${buckets}`);
  });
});

describe("Backoff", () => {
  test("sleeps through the injected sleep, growing per failure, reset by a success", async () => {
    const slept: number[] = [];
    const backoff = new Backoff({
      random: () => 0.999,
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    for (let i = 0; i < 8; i++) await backoff.wait();
    assert.equal(backoff.failures, 8);
    backoff.reset();
    await backoff.wait();
    assert.deepEqual(
      slept.map((ms) => Math.round(ms / 1000)),
      [1, 2, 4, 8, 16, 32, 60, 60, 1],
    );
  });

  test("an aborted wait rejects (the agent is stopping)", async () => {
    const backoff = new Backoff({
      random: () => 0.5,
      sleep: (_ms, signal) =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener("abort", () => reject(signal.reason)),
        ),
    });
    const stop = new AbortController();
    const waiting = backoff.wait(stop.signal);
    stop.abort(new Error("stopping"));
    await assert.rejects(waiting, /stopping/);
  });
});
