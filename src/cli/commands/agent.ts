/**
 * `opsflow agent register|run|status`: the managed-node agent (it connects out to the server).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { formatAgentStatus, readAgentStatus } from "../../fleet/agent/agent-status.js";
import { AgentError } from "../../fleet/agent/errors.js";
import { DEFAULT_UPDATE_COMMAND } from "../../fleet/agent/executor.js";
import { collectNodeInfo } from "../../fleet/agent/node-info.js";
import { registerNode } from "../../fleet/agent/register.js";
import { defaultRebootCommand, runAgent } from "../../fleet/agent/run-agent.js";
import { defaultStateDir } from "../../fleet/agent/state-dir.js";
import { ExitCode, type Io, UsageError } from "../command.js";
import { nounCommand } from "./verbs.js";

const stateDirHelp = `  --state-dir DIR   where the registration, the key and invocation records live
                    [OPSFLOW_AGENT_STATE_DIR] (/var/lib/opsflow-agent as root, else ~/.opsflow-agent)`;
const caHelp = `  --ca FILE         a CA certificate (PEM) to trust, for a server with a self-signed certificate`;

function stateDirOf(value: string | undefined): string {
  return resolve(value || defaultStateDir());
}

function readCa(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read --ca ${path}: ${(error as Error).message}`);
  }
}

/** One line for an agent failure, saying what to do next. */
export function explainAgentError(error: AgentError, endpoint?: string): string {
  switch (error.code) {
    case "Unreachable":
      return `cannot reach the server${endpoint ? ` at ${endpoint}` : ""} (${error.message}): check the endpoint, that the server runs, and --ca for a self-signed certificate`;
    case "ServerError":
      return `the server failed (${error.message}): try again later, or look at the server's log`;
    case "Unauthorized":
      return `the server refused this node (${error.message}): it was deregistered or its key is unknown; register it again with a new activation (opsflow agent register --force ...)`;
    case "Rejected":
      return `the server refused the request (${error.message}): check the activation id and code, or create a new activation`;
    default:
      return error.message;
  }
}

async function register(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      endpoint: { type: "string" },
      "activation-id": { type: "string" },
      "activation-code": { type: "string" },
      "state-dir": { type: "string" },
      ca: { type: "string" },
      force: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
  });
  for (const name of ["endpoint", "activation-id", "activation-code"] as const)
    if (!values[name]) throw new UsageError(`--${name} is required`);
  const endpoint = values.endpoint ?? "";
  if (!/^https?:\/\/[^/]/.test(endpoint))
    throw new UsageError(`--endpoint must be an http:// or https:// URL, not '${endpoint}'`);
  const stateDir = stateDirOf(values["state-dir"]);
  try {
    const registration = await registerNode({
      endpoint,
      activationId: values["activation-id"] ?? "",
      activationCode: values["activation-code"] ?? "",
      stateDir,
      ...(values.ca && { ca: readCa(values.ca) }),
      force: values.force ?? false,
      info: collectNodeInfo(),
      now: Date.now,
    });
    if (values.json) io.stdout(`${JSON.stringify({ ...registration, stateDir })}\n`);
    else
      io.stdout(
        `registered as ${registration.instanceId}${registration.name ? ` (${registration.name})` : ""}; state in ${stateDir}\nstart the agent with: opsflow agent run${values["state-dir"] ? ` --state-dir ${stateDir}` : ""}\n`,
      );
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    io.stderr(`opsflow agent register: ${explainAgentError(error, endpoint)}\n`);
    return ExitCode.Failed;
  }
}

async function run(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "state-dir": { type: "string" },
      "reboot-command": { type: "string", default: defaultRebootCommand() },
      "update-command": { type: "string", default: process.env.OPSFLOW_AGENT_UPDATE_COMMAND ?? "" },
      ca: { type: "string" },
    },
  });
  const ca = readCa(values.ca);
  const log = (line: string) => io.stderr(`${new Date().toISOString()} ${line}\n`);
  let agent: ReturnType<typeof runAgent>;
  try {
    agent = runAgent({
      stateDir: stateDirOf(values["state-dir"]),
      rebootCommand: values["reboot-command"] || defaultRebootCommand(),
      ...(values["update-command"] && { updateCommand: values["update-command"] }),
      ...(ca && { ca }),
      log,
    });
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    io.stderr(`opsflow agent run: ${explainAgentError(error)}\n`);
    return ExitCode.Failed;
  }
  const { registration } = agent;
  io.stdout(
    `opsflow agent ${registration.instanceId} polling ${registration.endpoint}, started at ${new Date().toISOString()}\n`,
  );
  const stop = () => {
    log("stopping");
    agent.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const end = await agent.done;
    if (end === "rebooted") log("stopped for the reboot");
    if (end === "updated") log("stopped to restart with the new version");
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    io.stderr(`opsflow agent run: ${explainAgentError(error, registration.endpoint)}\n`);
    return ExitCode.Failed;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}

async function status(args: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { "state-dir": { type: "string" }, json: { type: "boolean", default: false } },
  });
  try {
    const current = readAgentStatus(stateDirOf(values["state-dir"]));
    io.stdout(values.json ? `${JSON.stringify(current, null, 2)}\n` : formatAgentStatus(current));
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    if (values.json) io.stdout(`${JSON.stringify({ registered: false, error: error.message })}\n`);
    io.stderr(`opsflow agent status: ${error.message}\n`);
    return ExitCode.Failed;
  }
}

/** `opsflow agent ...`. */
export const agentCommand = nounCommand(
  "agent",
  "The managed-node agent: register this host, run it, show its state",
  {
    register: {
      summary: "Register this host with an activation (creates its key and state directory)",
      usage: `Usage: opsflow agent register --endpoint URL --activation-id ID --activation-code CODE [options]

Generates the node's Ed25519 key pair, registers its public key with the server and writes
the state directory (mode 0700; registration.json and agent.key, mode 0600). The activation
code is sent once and never written anywhere.

Options:
  --endpoint URL          the server, http(s)://HOST:PORT
  --activation-id ID      the activation's id
  --activation-code CODE  the activation's code
${stateDirHelp}
${caHelp}
  --force                 replace an existing registration in the state directory (its key
                          and invocation records are deleted)
  --json                  print the registration as JSON

Exit codes: 0 registered, 1 the server refused or could not be reached, 2 bad usage.
`,
      run: register,
    },
    run: {
      summary: "Run the agent: long-poll the server and run the commands it sends",
      usage: `Usage: opsflow agent run [--state-dir DIR] [--reboot-command CMD] [--update-command CMD] [--ca FILE]

Connects out to the server the node registered with and runs the commands sent to it, each at
most once. Results are kept on disk until the server acknowledges them. A script exiting 194
(or 3010) has the host rebooted; the script runs again when the agent starts after the reboot.

Options:
${stateDirHelp}
  --reboot-command CMD  how to reboot the host ('${defaultRebootCommand()}')
  --update-command CMD  how AWS-UpdateSSMAgent installs a version, {version} standing for it
                        [OPSFLOW_AGENT_UPDATE_COMMAND] ('${DEFAULT_UPDATE_COMMAND}'); the agent
                        then stops (exit 0) for its service manager to start the new one
${caHelp}

SIGINT/SIGTERM stop the agent and kill the commands it runs: they are reported Failed (the
agent stopped while the command ran) when it starts again.

Exit codes: 0 stopped (SIGINT/SIGTERM) or stopped for a reboot, 1 not registered or the node
was deregistered, 2 bad usage.
`,
      run,
    },
    status: {
      summary: "Show the registration, recorded invocations and pending reports",
      usage: `Usage: opsflow agent status [--state-dir DIR] [--json]

Reads the state directory (no server call).

Options:
${stateDirHelp}
  --json                print JSON

Exit codes: 0 registered, 1 not registered.
`,
      run: status,
    },
  },
);
