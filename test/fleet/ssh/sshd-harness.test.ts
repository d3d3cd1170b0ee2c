import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { sshdAvailable, startSshd, type TestSshd } from "./sshd.js";

const run = promisify(execFile);

describe("test sshd harness", { skip: sshdAvailable() }, () => {
  let sshd: TestSshd;
  before(async () => {
    sshd = await startSshd();
  });
  after(() => sshd.stop());

  test("accepts the client key it generated (checked with OpenSSH's own client)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "opsflow-ssh-client-"));
    try {
      await writeFile(join(dir, "id"), sshd.privateKey, { mode: 0o600 });
      await writeFile(join(dir, "known_hosts"), `[${sshd.host}]:${sshd.port} ${sshd.hostKey}\n`);
      const { stdout } = await run("ssh", [
        "-i",
        join(dir, "id"),
        "-o",
        `UserKnownHostsFile=${join(dir, "known_hosts")}`,
        "-o",
        "StrictHostKeyChecking=yes",
        "-o",
        "BatchMode=yes",
        "-p",
        String(sshd.port),
        `${sshd.user}@${sshd.host}`,
        "echo hello-from-sshd",
      ]);
      assert.equal(stdout.trim(), "hello-from-sshd");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
