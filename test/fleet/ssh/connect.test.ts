import assert from "node:assert/strict";
import { access, mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SshConnectError } from "../../../src/fleet/ssh/errors.js";
import { probeHostKey, runPluginsOverSsh } from "../../../src/fleet/ssh/index.js";
import { freePort, makeKeyPair, sshdAvailable, startSshd, type TestSshd } from "./sshd.js";

/** A TCP server that accepts connections and never says anything. */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return { server, port: address.port };
}

function rejectsWithCode(code: SshConnectError["code"]) {
  return (error: unknown) => {
    assert.ok(error instanceof SshConnectError, `expected SshConnectError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  };
}

describe("connecting over SSH", { skip: sshdAvailable(), timeout: 30_000 }, () => {
  let sshd: TestSshd;
  let keys: string;
  let otherKey: [string, string];
  before(async () => {
    sshd = await startSshd();
    keys = await mkdtemp(join(tmpdir(), "opsflow-ssh-keys-"));
    otherKey = await makeKeyPair(join(keys, "other"));
  });
  after(async () => {
    await sshd.stop();
    await rm(keys, { recursive: true, force: true });
  });

  const touchScript = (path: string) => ({
    name: "touch",
    action: "aws:runShellScript" as const,
    runCommand: [`touch ${path}`],
    timeoutSeconds: 30,
  });

  test("probeHostKey returns the key sshd has", async () => {
    const key = await probeHostKey({ host: sshd.host, port: sshd.port }, 5000);
    assert.equal(key, sshd.hostKey);
  });

  test("probeHostKey on a closed port is unreachable", async () => {
    const port = await freePort();
    await assert.rejects(
      probeHostKey({ host: "127.0.0.1", port }, 5000),
      rejectsWithCode("unreachable"),
    );
  });

  test("probeHostKey against a server that never speaks SSH times out", async () => {
    const { server, port } = await silentServer();
    try {
      await assert.rejects(
        probeHostKey({ host: "127.0.0.1", port }, 300),
        rejectsWithCode("timeout"),
      );
    } finally {
      server.close();
    }
  });

  test("running against a server that never speaks SSH times out after connectTimeoutMs", async () => {
    const { server, port } = await silentServer();
    try {
      await assert.rejects(
        runPluginsOverSsh({ ...sshd, port }, [touchScript(join(keys, "z"))], {
          onOutput: () => {},
          outputCapBytes: 1000,
          connectTimeoutMs: 300,
        }),
        rejectsWithCode("timeout"),
      );
    } finally {
      server.close();
    }
  });

  test("a host presenting another key than the pinned one is refused before anything runs", async () => {
    const marker = join(keys, "ran-with-wrong-host-key");
    await assert.rejects(
      runPluginsOverSsh({ ...sshd, hostKey: otherKey[1] }, [touchScript(marker)], {
        onOutput: () => {},
        outputCapBytes: 1000,
      }),
      (error: unknown) => {
        rejectsWithCode("host-key-changed")(error);
        assert.match((error as Error).message, /not the pinned one/);
        assert.match((error as Error).message, new RegExp(sshd.hostKey.split(" ")[1].slice(0, 20)));
        return true;
      },
    );
    await assert.rejects(access(marker), { code: "ENOENT" });
  });

  test("a new sshd on the same port with its own host key is refused", async () => {
    const first = await startSshd();
    const pinned = first.hostKey;
    const { port } = first;
    await first.stop();
    const second = await startSshd({ port });
    try {
      assert.notEqual(second.hostKey, pinned);
      const marker = join(keys, "ran-on-impostor");
      await assert.rejects(
        runPluginsOverSsh({ ...second, hostKey: pinned }, [touchScript(marker)], {
          onOutput: () => {},
          outputCapBytes: 1000,
        }),
        rejectsWithCode("host-key-changed"),
      );
      await assert.rejects(access(marker), { code: "ENOENT" });
    } finally {
      await second.stop();
    }
  });

  test("a pinned key of a type the host no longer has is host-key-changed", async () => {
    // A syntactically valid ecdsa pin: the server only has ed25519, so negotiation fails.
    const blob = Buffer.concat([
      Buffer.from([0, 0, 0, 19]),
      Buffer.from("ecdsa-sha2-nistp256"),
      Buffer.alloc(8),
    ]);
    await assert.rejects(
      runPluginsOverSsh(
        { ...sshd, hostKey: `ecdsa-sha2-nistp256 ${blob.toString("base64")}` },
        [touchScript(join(keys, "never"))],
        { onOutput: () => {}, outputCapBytes: 1000 },
      ),
      rejectsWithCode("host-key-changed"),
    );
  });

  test("a private key the host does not accept is auth", async () => {
    await assert.rejects(
      runPluginsOverSsh({ ...sshd, privateKey: otherKey[0] }, [touchScript(join(keys, "x"))], {
        onOutput: () => {},
        outputCapBytes: 1000,
      }),
      rejectsWithCode("auth"),
    );
  });

  test("running on a closed port is unreachable", async () => {
    const port = await freePort();
    await assert.rejects(
      runPluginsOverSsh({ ...sshd, port }, [touchScript(join(keys, "y"))], {
        onOutput: () => {},
        outputCapBytes: 1000,
      }),
      rejectsWithCode("unreachable"),
    );
  });
});
