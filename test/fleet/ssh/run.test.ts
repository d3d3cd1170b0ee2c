import assert from "node:assert/strict";
import { access, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runPluginsOverSsh } from "../../../src/fleet/ssh/index.js";
import { CollectedOutput, shell } from "./run-helpers.js";
import { sshdAvailable, startSshd, type TestSshd } from "./sshd.js";

describe("running plugins over SSH", { skip: sshdAvailable(), timeout: 30_000 }, () => {
  let sshd: TestSshd;
  let work: string;
  before(async () => {
    sshd = await startSshd();
    work = await realpath(await mkdtemp(join(tmpdir(), "opsflow-ssh-run-")));
  });
  after(async () => {
    await sshd.stop();
    await rm(work, { recursive: true, force: true });
  });

  const run = (plugins: Parameters<typeof runPluginsOverSsh>[1], cap = 1 << 20) => {
    const output = new CollectedOutput();
    const result = runPluginsOverSsh(sshd, plugins, {
      onOutput: output.onOutput,
      outputCapBytes: cap,
    });
    return { output, result };
  };

  test("a script that exits 0 succeeds, with its stdout and stderr apart", async () => {
    const { output, result } = run([shell(["echo out-line", "echo err-line >&2"])]);
    assert.deepEqual(await result, {
      status: "Success",
      statusDetails: "Success",
      responseCode: 0,
      outputTruncated: false,
    });
    assert.equal(output.text("stdout"), "out-line\n");
    assert.equal(output.text("stderr"), "err-line\n");
  });

  test("a non-zero exit fails with that code and later plugins do not run", async () => {
    const marker = join(work, "second-ran");
    const { output, result } = run([
      shell(["echo before", "exit 7", "echo never"]),
      shell([`touch ${marker}`], { name: "second" }),
    ]);
    const outcome = await result;
    assert.equal(outcome.status, "Failed");
    assert.equal(outcome.statusDetails, "Failed");
    assert.equal(outcome.responseCode, 7);
    assert.equal(output.text("stdout"), "before\n");
    await assert.rejects(access(marker), { code: "ENOENT" });
  });

  test("plugins run in order, and multi-line scripts keep shell constructs across lines", async () => {
    const { output, result } = run([
      shell(["for n in 1 2 3; do", '  echo "item $n"', "done", "x='it''s'", 'echo "$x"']),
      shell(["cat <<'EOF'", "here $doc", "EOF"], { name: "second" }),
    ]);
    assert.equal((await result).status, "Success");
    assert.equal(output.text("stdout"), "item 1\nitem 2\nitem 3\nits\nhere $doc\n");
  });

  test("the script's stdin is empty, not the rest of its own text", async () => {
    const { output, result } = run([shell(["cat", "echo after-cat"])]);
    assert.equal((await result).status, "Success");
    assert.equal(output.text("stdout"), "after-cat\n");
  });

  test("output is passed on while the script still runs", async () => {
    const gate = join(work, "gate");
    const { output, result } = run([
      shell(["echo waiting", `while [ ! -e ${gate} ]; do sleep 0.05; done`, "echo released"]),
    ]);
    // The script cannot finish before the gate exists, which we create only after its first
    // line arrived: streaming, not buffering until the end.
    await output.waitFor("stdout", "waiting\n");
    assert.equal(output.text("stdout"), "waiting\n");
    await writeFile(gate, "");
    assert.equal((await result).status, "Success");
    assert.equal(output.text("stdout"), "waiting\nreleased\n");
  });

  test("workingDirectory is honoured, and a missing one fails saying so", async () => {
    const { output, result } = run([shell(["pwd"], { workingDirectory: work })]);
    assert.equal((await result).status, "Success");
    assert.equal(output.text("stdout"), `${work}\n`);

    const missing = run([shell(["echo never"], { workingDirectory: join(work, "no such dir") })]);
    const outcome = await missing.result;
    assert.equal(outcome.status, "Failed");
    assert.equal(missing.output.text("stdout"), "");
    assert.match(missing.output.text("stderr"), /working directory .*no such dir/);
  });

  test("output past the cap is dropped per stream and the run says so", async () => {
    const { output, result } = run(
      [
        shell(["printf 'abcdefghij'", "printf '0123456789' >&2"]),
        shell(["printf 'KLMNOPQRST'", "printf 'xy' >&2"], { name: "second" }),
      ],
      15,
    );
    const outcome = await result;
    assert.equal(outcome.status, "Success");
    assert.equal(outcome.outputTruncated, true);
    assert.equal(output.text("stdout"), "abcdefghijKLMNO");
    assert.equal(output.text("stderr"), "0123456789xy");
    for (const stream of ["stdout", "stderr"] as const) {
      const passed = output.chunks.filter((c) => c.stream === stream);
      assert.ok(passed.reduce((n, c) => n + c.chunk.length, 0) <= 15);
    }
  });

  test("large output arrives whole, in order, under a large cap", async () => {
    const { output, result } = run([shell(["seq 1 50000"])]);
    const outcome = await result;
    assert.equal(outcome.status, "Success");
    assert.equal(outcome.outputTruncated, false);
    const lines = output.text("stdout").trimEnd().split("\n");
    assert.equal(lines.length, 50000);
    assert.equal(lines[49999], "50000");
    assert.ok(output.chunks.length > 1, "expected the output in several chunks");
  });

  test("aws:runPowerShellScript without pwsh fails with a clear message", async (t) => {
    const { output, result } = run([
      {
        name: "ps",
        action: "aws:runPowerShellScript",
        runCommand: ["Write-Output hi"],
        timeoutSeconds: 30,
      },
    ]);
    const outcome = await result;
    if (outcome.status === "Success") return t.skip("pwsh is installed here");
    assert.equal(outcome.status, "Failed");
    assert.equal(outcome.responseCode, 127);
    assert.match(output.text("stderr"), /needs PowerShell \(pwsh\).*not installed/);
  });

  test("aws:updateSsmAgent fails: not supported on SSH hosts", async () => {
    const { output, result } = run([
      { name: "update", action: "aws:updateSsmAgent", runCommand: [], timeoutSeconds: 30 },
    ]);
    const outcome = await result;
    assert.equal(outcome.status, "Failed");
    assert.equal(outcome.statusDetails, "Failed");
    assert.match(output.text("stderr"), /not supported on SSH hosts/);
  });

  test("no plugins is a success", async () => {
    assert.equal((await run([]).result).status, "Success");
  });
});
