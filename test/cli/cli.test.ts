import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCli } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "opsflow-cli-"));
const handlers = new URL("../fixtures/handlers.mjs", import.meta.url).pathname;

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

/** Runs the real CLI entry point in a child process. */
const opsflow = (...args: string[]) => runCli(args);

const valid = file("valid.json", {
  StartAt: "Double",
  States: {
    Double: {
      Type: "Task",
      Resource: "arn:aws:lambda:us-east-1:123456789012:function:double",
      Next: "Noop",
    },
    Noop: {
      Type: "Task",
      Resource: "arn:aws:states:::opsflow:noop",
      ResultPath: "$.noop",
      End: true,
    },
  },
});

describe("opsflow validate", () => {
  test("a valid definition: exit 0 and nothing on stdout", () => {
    const { code, stdout } = opsflow("validate", valid);
    assert.equal(code, 0);
    assert.equal(stdout, "");
  });

  test("an invalid definition: one located diagnostic per line, exit 2", () => {
    const path = file("invalid.json", {
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "Missing" } },
    });
    const { code, stdout } = opsflow("validate", path);
    assert.equal(code, 2);
    const lines = stdout.trim().split("\n");
    assert.ok(
      lines.includes("/States/A/Next: MISSING_TRANSITION_TARGET: Missing 'Next' target: Missing"),
      stdout,
    );
  });

  test("--json gives machine-readable diagnostics", () => {
    const path = file("invalid2.json", {
      StartAt: "A",
      States: { A: { Type: "Wait", Timestamp: "tomorrow", End: true } },
    });
    const { code, stdout } = opsflow("validate", path, "--json");
    assert.equal(code, 2);
    const report = JSON.parse(stdout);
    assert.equal(report.valid, false);
    assert.equal(report.diagnostics[0].location, "/States/A/Timestamp");
  });

  test("YAML is accepted and malformed text is a located error", () => {
    const yaml = file("machine.yaml", "StartAt: A\nStates:\n  A:\n    Type: Succeed\n");
    assert.equal(opsflow("validate", yaml).code, 0);
    const broken = file("broken.json", '{"StartAt": "A", "States": {');
    const { code, stdout } = opsflow("validate", broken);
    assert.equal(code, 2);
    assert.match(stdout, /INVALID_JSON_DESCRIPTION: .*line 1/);
  });
});

describe("opsflow run", () => {
  test("runs with --input and --functions and prints one JSON object", () => {
    const { code, stdout } = opsflow(
      "run",
      valid,
      "--input",
      '{"value":21}',
      "--functions",
      handlers,
    );
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      status: "SUCCEEDED",
      output: { value: 42, noop: { done: true } },
    });
  });

  test("a failing task: exit 1 with the error named as Lambda names it", () => {
    const path = file("fails.json", {
      StartAt: "Clean",
      States: {
        Clean: {
          Type: "Task",
          Resource: "arn:aws:lambda:us-east-1:123456789012:function:cleanDisk",
          End: true,
        },
      },
    });
    const { code, stdout } = opsflow("run", path, "--functions", handlers);
    assert.equal(code, 1);
    const result = JSON.parse(stdout);
    assert.equal(result.status, "FAILED");
    assert.equal(result.error, "DiskFullError");
    assert.equal(JSON.parse(result.cause).errorMessage, "no space left on /var");
  });

  test("--history adds the event history", () => {
    const { stdout } = opsflow(
      "run",
      valid,
      "--input",
      '{"value":1}',
      "--functions",
      handlers,
      "--history",
    );
    const types = JSON.parse(stdout).history.map((event: { type: string }) => event.type);
    assert.deepEqual(types.slice(0, 4), [
      "ExecutionStarted",
      "TaskStateEntered",
      "LambdaFunctionScheduled",
      "LambdaFunctionStarted",
    ]);
    assert.equal(types.at(-1), "ExecutionSucceeded");
  });

  test("--fast-forward skips a long Wait", () => {
    const path = file("wait.json", {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 3600, End: true } },
    });
    const { code, stdout } = opsflow("run", path, "--fast-forward", "--input", '{"a":1}');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout).output, { a: 1 });
  });

  test("invalid input JSON: exit 2, status INVALID", () => {
    const { code, stdout, stderr } = opsflow("run", valid, "--input", "{nope");
    assert.equal(code, 2);
    assert.equal(JSON.parse(stdout).status, "INVALID");
    assert.match(stderr, /--input is not valid JSON/);
  });

  test("an invalid definition: exit 2 with diagnostics", () => {
    const path = file("bad.json", { StartAt: "Nowhere", States: { A: { Type: "Succeed" } } });
    const { code, stdout } = opsflow("run", path);
    assert.equal(code, 2);
    assert.equal(JSON.parse(stdout).status, "INVALID");
  });
});

describe("opsflow conventions", () => {
  test("--help for the program and each command; unknown commands are usage errors", () => {
    assert.equal(opsflow("--help").code, 0);
    assert.match(opsflow("run", "--help").stdout, /Usage: opsflow run FILE/);
    const unknown = opsflow("frobnicate");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.equal(opsflow("run").code, 2);
  });
});

test("input nested too deep is refused with a clear error, not a crash", () => {
  const path = file("deep-input.json", `${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`);
  const machine = file("deep-scan.json", {
    StartAt: "A",
    States: { A: { Type: "Pass", Parameters: { "x.$": "$..a" }, End: true } },
  });
  const { code, stdout } = opsflow("run", machine, "--input", `@${path}`);
  assert.equal(code, 2);
  assert.match(JSON.parse(stdout).error, /deeper than 512 levels/);
});
