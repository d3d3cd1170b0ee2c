/**
 * HTTPS end to end: a real `opsflow server --tls-cert/--tls-key` process with a self-signed
 * certificate (made with openssl) and real `opsflow agent register/run --ca` processes. The
 * node registers and a command sent with the official SSM client runs over HTTPS; without
 * --ca the registration fails with one line that names --ca.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { Agent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import {
  CreateActivationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  SSMClient,
} from "@aws-sdk/client-ssm";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  eventually,
  type ServerProcess,
  sdkConfig,
  startServerProcess,
} from "../../server/harness.js";

const AGENT = ["--import", "tsx", "src/cli/bin.ts", "agent"];

/** A self-signed certificate for 127.0.0.1 and localhost: the files' paths. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "opsflow-tls-"));
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
    ],
    { stdio: "ignore" },
  );
  return { key, cert };
}

async function agentCli(args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...AGENT, ...args], {
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("opsflow agent over HTTPS", () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let tls: { key: string; cert: string };
  const agents: ChildProcess[] = [];
  before(async () => {
    tls = selfSignedCertificate();
    server = await startServerProcess(undefined, 0, {
      OPSFLOW_TLS_CERT: tls.cert,
      OPSFLOW_TLS_KEY: tls.key,
    });
    const ca = readFileSync(tls.cert, "utf8");
    ssm = new SSMClient({
      ...sdkConfig(server.url),
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: [ca] }) }),
    });
  });
  after(async () => {
    for (const agent of agents) agent.kill("SIGKILL");
    ssm?.destroy();
    await server?.stop();
  });

  async function activation() {
    const created = await ssm.send(
      new CreateActivationCommand({ IamRole: "opsflow-node", RegistrationLimit: 1 }),
    );
    return { id: created.ActivationId as string, code: created.ActivationCode as string };
  }

  const registerArgs = (act: { id: string; code: string }, stateDir: string) => [
    "register",
    "--endpoint",
    server.url,
    "--activation-id",
    act.id,
    "--activation-code",
    act.code,
    "--state-dir",
    stateDir,
    "--json",
  ];

  test("the server listens on https://", () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test("with --ca: the node registers and a command runs and reports over HTTPS", async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), "opsflow-https-agent-")), "state");
    const registered = await agentCli([
      ...registerArgs(await activation(), stateDir),
      "--ca",
      tls.cert,
    ]);
    assert.equal(registered.code, 0, registered.stderr);
    const instanceId = JSON.parse(registered.stdout).instanceId as string;

    const child = spawn(
      process.execPath,
      [...AGENT, "run", "--state-dir", stateDir, "--ca", tls.cert],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    agents.push(child);
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });

    const sent = await ssm.send(
      new SendCommandCommand({
        DocumentName: "AWS-RunShellScript",
        InstanceIds: [instanceId],
        Parameters: { commands: ["echo over-tls", "echo warn >&2", "exit 5"] },
      }),
    );
    const commandId = sent.Command?.CommandId as string;
    const invocation = await eventually(async () => {
      const found = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
      );
      return ["Success", "Failed", "TimedOut", "Cancelled"].includes(found.Status ?? "")
        ? found
        : undefined;
    }, 30_000);
    assert.equal(invocation.Status, "Failed", output);
    assert.equal(invocation.ResponseCode, 5);
    assert.equal(invocation.StandardOutputContent, "over-tls\n");
    assert.equal(invocation.StandardErrorContent, "warn\n");
    assert.doesNotMatch(output, /cannot reach|poll failed/);
  });

  test("without --ca the self-signed server is refused: exit 1, one line naming --ca, nothing written", async () => {
    const stateDir = join(mkdtempSync(join(tmpdir(), "opsflow-https-agent-")), "state");
    const refused = await agentCli(registerArgs(await activation(), stateDir));
    assert.equal(refused.code, 1);
    assert.equal(refused.stderr.trim().split("\n").length, 1, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `cannot reach the server at ${server.url.replaceAll(".", "\\.")} \\(.*certificate.*\\): .*--ca for a self-signed certificate`,
        "i",
      ),
    );
    const status = await agentCli(["status", "--state-dir", stateDir]);
    assert.equal(status.code, 1, "no registration was written");
  });
});
