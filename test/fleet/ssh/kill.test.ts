import assert from "node:assert/strict";
import { randomInt } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { KILLED_RESPONSE_CODE, runPluginsOverSsh } from "../../../src/fleet/ssh/index.js";
import { CollectedOutput, ManualClock, processesMatching, shell } from "./run-helpers.js";
import { sshdAvailable, startSshd, type TestSshd } from "./sshd.js";

/**
 * A script whose tree outlives it unless killed as a group: a background subshell running a
 * grandchild `sleep` (the subshell keeps the script's own command line, so it does not match), and a foreground `sleep` the shell waits on. The sleep lengths are
 * unique so the test can find exactly these processes.
 */
function treeScript(): { lines: string[]; needle: string } {
  const seconds = 5000 + randomInt(1_000_000);
  const needle = `sleep ${seconds}`;
  return {
    needle,
    lines: [`(${needle}; echo never) &`, "echo started", `${needle}`, "echo never"],
  };
}

/**
 * The pids matching `needle` once there are `count` of them, or what there is after 5 s:
 * processes start and die on the host's schedule, so this polls the process table.
 */
async function settleTo(needle: string, count: number): Promise<number[]> {
  for (let attempt = 0; attempt < 250; attempt++) {
    const found = processesMatching(needle);
    if (found.length === count) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return processesMatching(needle);
}

describe("stopping scripts over SSH", { skip: sshdAvailable(), timeout: 30_000 }, () => {
  let sshd: TestSshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(() => sshd.stop());

  test("a plugin past its timeout is killed with its whole tree: TimedOut", async () => {
    const { lines, needle } = treeScript();
    const output = new CollectedOutput();
    const marker = `never-${needle}`;
    const clock = new ManualClock();
    const run = runPluginsOverSsh(
      sshd,
      [shell(lines, { timeoutSeconds: 60 }), shell([`echo ${marker}`], { name: "after" })],
      { onOutput: output.onOutput, outputCapBytes: 10_000, clock },
    );
    await output.waitFor("stdout", "started\n");
    assert.equal((await settleTo(needle, 2)).length, 2, "both sleeps run before the timeout");
    assert.equal(clock.pending, 1, "the runner armed the plugin's timeout on the clock");
    clock.advance(60_000);
    assert.deepEqual(await run, {
      status: "TimedOut",
      statusDetails: "ExecutionTimedOut",
      responseCode: KILLED_RESPONSE_CODE,
      outputTruncated: false,
    });
    assert.deepEqual(await settleTo(needle, 0), []);
    assert.equal(output.text("stdout"), "started\n");
    assert.match(output.text("stderr"), /timed out after 60 s/);
  });

  test("aborting the signal cancels: the remote grandchild sleep is gone", async () => {
    const { lines, needle } = treeScript();
    const output = new CollectedOutput();
    const cancel = new AbortController();
    const run = runPluginsOverSsh(sshd, [shell(lines, { timeoutSeconds: 600 })], {
      signal: cancel.signal,
      onOutput: output.onOutput,
      outputCapBytes: 10_000,
    });
    await output.waitFor("stdout", "started\n");
    assert.equal((await settleTo(needle, 2)).length, 2);
    cancel.abort();
    const outcome = await run;
    assert.equal(outcome.status, "Cancelled");
    assert.equal(outcome.statusDetails, "Cancelled");
    assert.deepEqual(await settleTo(needle, 0), []);
    assert.equal(output.text("stdout"), "started\n");
  });

  test("a signal already aborted runs nothing", async () => {
    const cancel = new AbortController();
    cancel.abort();
    const output = new CollectedOutput();
    const outcome = await runPluginsOverSsh(sshd, [shell(["echo ran"])], {
      signal: cancel.signal,
      onOutput: output.onOutput,
      outputCapBytes: 100,
    });
    assert.equal(outcome.status, "Cancelled");
    assert.equal(output.text("stdout"), "");
  });
});
