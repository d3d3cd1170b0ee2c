/**
 * The executor on real `sh` scripts: exit codes, plugin order, working directories, timeouts
 * and cancels that kill the whole process tree, the output cap, reboot requests, and the
 * actions that need no shell.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  type ExecutionRequest,
  executeInvocation,
  spoolPaths,
} from "../../../src/fleet/agent/executor.js";
import { processAlive } from "../../../src/fleet/agent/process-group.js";
import type { AgentInvocation, AgentPlugin } from "../../../src/fleet/protocol.js";
import { systemClock } from "../../../src/kernel/clock.js";

function shell(name: string, lines: string[], extra: Partial<AgentPlugin> = {}): AgentPlugin {
  return { name, action: "aws:runShellScript", runCommand: lines, timeoutSeconds: 30, ...extra };
}

function invocation(plugins: AgentPlugin[], outputCapBytes = 1 << 20): AgentInvocation {
  return { commandId: "cmd-1", documentName: "AWS-RunShellScript", plugins, outputCapBytes };
}

function run(inv: AgentInvocation, extra: Partial<ExecutionRequest> = {}) {
  const folder = mkdtempSync(join(tmpdir(), "opsflow-exec-"));
  const groups: (number | undefined)[] = [];
  const result = executeInvocation({
    invocation: inv,
    folder,
    startPluginIndex: 0,
    clock: systemClock,
    cancel: new AbortController().signal,
    agentVersion: "1.2.3",
    onProcessGroup: (group) => groups.push(group),
    ...extra,
  });
  const read = (stream: "stdout" | "stderr") => readFileSync(spoolPaths(folder)[stream], "utf8");
  return { result, folder, groups, read };
}

/** Polls (real time: the process is real) until `check` holds. */
async function eventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) assert.fail("condition not reached in time");
    await new Promise((done) => setTimeout(done, 20));
  }
}

describe("executeInvocation", () => {
  test("runs plugins in order into one spool; all zero is Success 0", async () => {
    const { result, read, groups } = run(
      invocation([shell("one", ["echo first", "echo err >&2"]), shell("two", ["echo second"])]),
    );
    assert.deepEqual(await result, {
      kind: "ended",
      report: { status: "Success", statusDetails: "Success", responseCode: 0 },
    });
    assert.equal(read("stdout"), "first\nsecond\n");
    assert.equal(read("stderr"), "err\n");
    // Each plugin's process group was reported while it ran, and cleared after.
    assert.equal(groups.filter((g) => typeof g === "number").length, 2);
    assert.equal(groups.at(-1), undefined);
  });

  test("the script's last exit code wins; the first non-zero plugin ends it Failed", async () => {
    const { result, read } = run(
      invocation([
        shell("one", ["false", "echo still-here"]),
        shell("two", ["echo two", "exit 7"]),
        shell("three", ["echo never"]),
      ]),
    );
    assert.deepEqual(await result, {
      kind: "ended",
      report: { status: "Failed", statusDetails: "Failed", responseCode: 7 },
    });
    assert.equal(read("stdout"), "still-here\ntwo\n");
  });

  test("workingDirectory is honoured; a missing one fails with exit code 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "opsflow-wd-"));
    const ok = run(invocation([shell("pwd", ["pwd"], { workingDirectory: dir })]));
    assert.equal((await ok.result).kind, "ended");
    assert.equal(ok.read("stdout").trim(), dir);

    const missing = run(
      invocation([shell("pwd", ["pwd"], { workingDirectory: join(dir, "nope") })]),
    );
    const end = await missing.result;
    assert.deepEqual(end, {
      kind: "ended",
      report: { status: "Failed", statusDetails: "Failed", responseCode: 1 },
    });
    assert.match(missing.read("stderr"), /working directory .*nope does not exist/);
  });

  test("a timeout kills the whole tree, grandchild included: TimedOut/ExecutionTimedOut", async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), "opsflow-gc-")), "grandchild.pid");
    const started = Date.now();
    const { result } = run(
      invocation([
        shell("slow", [`sh -c 'sleep 60 & echo $! > ${pidFile}; wait'`, "echo unreachable"], {
          timeoutSeconds: 1,
        }),
      ]),
    );
    const end = await result;
    assert.deepEqual(end, {
      kind: "ended",
      report: { status: "TimedOut", statusDetails: "ExecutionTimedOut", responseCode: -1 },
    });
    assert.ok(Date.now() - started < 10_000, "ended long before the sleep would have");
    const grandchild = Number(readFileSync(pidFile, "utf8"));
    assert.ok(grandchild > 0);
    await eventually(() => !processAlive(grandchild));
  });

  test("a cancel kills the running tree and ends Cancelled; later plugins do not run", async () => {
    const cancel = new AbortController();
    const pidFile = join(mkdtempSync(join(tmpdir(), "opsflow-cancel-")), "child.pid");
    const { result, read } = run(
      invocation([
        shell("long", [`sleep 60 & echo $! > ${pidFile}`, "echo started", "wait"]),
        shell("after", ["echo after"]),
      ]),
      { cancel: cancel.signal },
    );
    const path = pidFile;
    await eventually(() => {
      try {
        return readFileSync(path, "utf8").trim().length > 0;
      } catch {
        return false;
      }
    });
    cancel.abort();
    assert.deepEqual(await result, {
      kind: "ended",
      report: { status: "Cancelled", statusDetails: "Cancelled", responseCode: -1 },
    });
    assert.doesNotMatch(read("stdout"), /after/);
    const sleeper = Number(readFileSync(pidFile, "utf8"));
    await eventually(() => !processAlive(sleeper));
  });

  test("output past the cap is drained but not written: the spool stays at the cap", async () => {
    const cap = 10_000;
    // 5 MB, far more than the cap and than a pipe holds: a blocked pipe would hang the script.
    const { result, folder, read } = run(
      invocation([shell("loud", ["head -c 5000000 /dev/zero | tr '\\0' x", "echo done >&2"])], cap),
    );
    assert.equal((await result).kind, "ended");
    assert.equal(statSync(spoolPaths(folder).stdout).size, cap);
    assert.equal(read("stdout"), "x".repeat(cap));
    assert.equal(read("stderr"), "done\n");
  });

  test("exit 194 or 3010 asks for a reboot at that plugin; a rerun continues from it", async () => {
    const marker = join(mkdtempSync(join(tmpdir(), "opsflow-reboot-")), "rebooted");
    const plugins = [
      shell("first", ["echo first"]),
      // Idempotent, as SSM asks: reboot once, then succeed.
      shell("patch", [
        `if [ -e ${marker} ]; then echo patched; else touch ${marker}; exit 194; fi`,
      ]),
      shell("last", ["echo last"]),
    ];
    const first = run(invocation(plugins));
    assert.deepEqual(await first.result, { kind: "reboot", pluginIndex: 1 });

    const again = await executeInvocation({
      invocation: invocation(plugins),
      folder: first.folder,
      startPluginIndex: 1,
      clock: systemClock,
      cancel: new AbortController().signal,
      agentVersion: "1.2.3",
    });
    assert.equal(again.kind, "ended");
    // The spool continues across the reboot.
    assert.equal(first.read("stdout"), "first\npatched\nlast\n");

    const windows = run(invocation([shell("win", ["exit 3010"])]));
    assert.deepEqual(await windows.result, { kind: "reboot", pluginIndex: 0 });
  });

  test("runPowerShellScript without PowerShell on PATH fails with exit code 1 and says why", async () => {
    const { result, read } = run(
      invocation([
        {
          name: "ps",
          action: "aws:runPowerShellScript",
          runCommand: ["exit 0"],
          timeoutSeconds: 5,
        },
      ]),
      { find: () => undefined },
    );
    assert.deepEqual(await result, {
      kind: "ended",
      report: { status: "Failed", statusDetails: "Failed", responseCode: 1 },
    });
    assert.match(read("stderr"), /PowerShell is not installed/);
  });

  test("aws:updateSsmAgent: the current version succeeds; another runs the update command and asks for a restart; an older one needs allowDowngrade", async () => {
    const update = (targetVersion: string, allowDowngrade = false): AgentPlugin => ({
      name: "update",
      action: "aws:updateSsmAgent",
      runCommand: [],
      targetVersion,
      allowDowngrade,
      timeoutSeconds: 5,
    });
    const same = run(invocation([update("1.2.3")]));
    assert.equal((await same.result).kind, "ended");
    assert.equal(same.read("stdout"), "opsflow agent 1.2.3 is already the current version\n");

    const updateCommand = "echo installed {version}";
    const other = run(invocation([update("2.0.0")]), { updateCommand });
    assert.deepEqual(await other.result, {
      kind: "ended",
      report: { status: "Success", statusDetails: "Success", responseCode: 0 },
      restart: true,
    });
    assert.match(other.read("stdout"), /installed 2\.0\.0/);

    const failing = run(invocation([update("2.0.0")]), { updateCommand: "exit 9" });
    assert.deepEqual(await failing.result, {
      kind: "ended",
      report: { status: "Failed", statusDetails: "Failed", responseCode: 9 },
    });

    const older = run(invocation([update("1.0.0")]), { updateCommand });
    assert.equal((await older.result).kind, "ended");
    assert.match(older.read("stderr"), /older than 1\.2\.3.*allowDowngrade/);
    const allowed = run(invocation([update("1.0.0", true)]), { updateCommand });
    assert.equal(((await allowed.result) as { restart?: boolean }).restart, true);
  });
});
