/**
 * The fleet at scale: 1,000 simulated agents (bench/fleet-simulated.ts: real Ed25519 keys,
 * signed long polls, start/output/finish, no processes run) connected to ONE built
 * `opsflow server` on its embedded SQLite store, and one real `opsflow agent run`. Measures:
 * 1. server RSS per connected idle agent: (RSS with 1,000 polls waiting − RSS before any agent
 *    registered) / 1,000, each read after the server collected garbage (goal ≤ 50 KB);
 * 2. the server's CPU while the 1,000 agents sit in 20 s long polls (phases spread, as a real
 *    fleet's are), over 10 s;
 * 3. SendCommand (AWS-RunShellScript, Targets tag:fleet=bench, MaxConcurrency 100%) to all
 *    1,000 nodes delivered and reported: each node's time to its acknowledged finish (p50,
 *    p99) and the time until ListCommands shows Success (goal < 2 s), median of 3 rounds;
 * 4. a real agent's idle RSS after 5 s (goal < 60 MB) beside a bare `node` process.
 *
 * Needs `npm run build` first (it runs bin/opsflow as shipped). Run alone:
 * `node --expose-gc --import tsx bench/fleet-agents.ts` (from the repository root).
 * `OPSFLOW_BENCH_PROFILE=/tmp/fleet` also writes the server's CPU profiles of the idle window
 * and of the SendCommand rounds to /tmp/fleet-1.cpuprofile and -2 (Chrome DevTools format).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateActivationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { sdkConfig } from "../test/server/harness.js";
import { CORES, type CpuUse, cpuBetween, sampleCpu } from "./cpu-usage.js";
import {
  killAllNow,
  registerRealAgent,
  rssKb,
  startBareNode,
  startBuiltServer,
  startRealAgent,
  stopAll,
} from "./fleet-processes.js";
import { BENCH_TAG, percentile, type SendRound, sendToAll } from "./fleet-send.js";
import { SimulatedFleet } from "./fleet-simulated.js";
import { printTable } from "./table.js";

const AGENTS = 1000;
const POLL_WAIT_SECONDS = 20;
const CPU_WINDOW_MS = 10_000;
const ROUNDS = 3;
const AGENT_IDLE_MS = 5000;

const SALT = "SaltStack: ~15,000 minions on one 12-core master";
const SSM_OOM = "SSM Agent users report OOMs on small instances during patch scans";

/** Undoes, newest first, what the run started. */
const cleanups: (() => Promise<unknown>)[] = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()?.();
    } catch (error) {
      console.error("cleanup:", error);
    }
  }
}

/** A round's figures and what it cost: CPU while it ran, simulated calls that failed. */
interface MeasuredRound extends SendRound {
  cpu: CpuUse;
  /** CPU seconds the server used during the round. */
  serverSeconds: number;
  failedCalls: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const kb = (value: number) => `${Math.round(value).toLocaleString("en-US")} KB`;
const mb = (valueKb: number) => `${(valueKb / 1024).toFixed(1)} MB`;
const ms = (value: number) => `${Math.round(value).toLocaleString("en-US")} ms`;
const verdict = (met: boolean) => (met ? "met" : "NOT MET");

/** Runs the fleet benchmark and prints its table. */
export async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "opsflow-bench-fleet-"));
  cleanups.push(async () => rmSync(root, { recursive: true, force: true }));
  cleanups.push(stopAll);

  const server = await startBuiltServer(join(root, "server"));
  const ssm = new SSMClient(sdkConfig(server.url));
  cleanups.push(async () => ssm.destroy());
  const activate = async (limit: number, tags: { Key: string; Value: string }[]) => {
    const created = await ssm.send(
      new CreateActivationCommand({
        IamRole: "opsflow-node",
        RegistrationLimit: limit,
        DefaultInstanceName: "bench-node",
        Tags: tags,
      }),
    );
    return { id: created.ActivationId ?? "", code: created.ActivationCode ?? "" };
  };
  // The simulated nodes get the tag from their activation; the real agent does not, so the
  // commands below go to the 1,000 simulated nodes only.
  const simulatedActivation = await activate(AGENTS, [BENCH_TAG]);
  const realActivation = await activate(1, []);

  await sleep(1000);
  const before = await server.settledMemory();

  const fleet = new SimulatedFleet(server.url);
  cleanups.push(() => fleet.stop());
  const registerStart = performance.now();
  const nodes = await fleet.register(AGENTS, simulatedActivation);
  const registerMs = performance.now() - registerStart;
  const registered = await server.settledMemory();

  const connectStart = performance.now();
  fleet.startPolling(nodes, POLL_WAIT_SECONDS);
  await until(() => fleet.connected === AGENTS, 60_000, "every node's first poll");
  const connectMs = performance.now() - connectStart;
  // Let the long polls park; the first ones' waits are spread over 20 s, so some return meanwhile.
  await sleep(2000);
  const polling = await server.settledMemory();
  const perAgentKb = (polling.rssKb - before.rssKb) / AGENTS;
  const heapOf = (m: NodeJS.MemoryUsage) => (m.heapUsed + m.external) / 1024;
  const heapPerAgentKb = (heapOf(polling.memory) - heapOf(before.memory)) / AGENTS;

  // No postmaster here: -1 is no process, so only the server's tree is split out.
  const watched = { postmaster: -1, nodes: [server.pid] };
  const profiles: string[] = [];
  const stopIdleProfile = await server.profile();
  const cpuStart = sampleCpu(watched);
  const benchCpuStart = process.cpuUsage();
  await sleep(CPU_WINDOW_MS);
  const idle = cpuBetween(cpuStart, sampleCpu(watched));
  const benchCpu = process.cpuUsage(benchCpuStart);
  const benchCores = (benchCpu.user + benchCpu.system) / 1000 / CPU_WINDOW_MS;
  const idleProfile = await stopIdleProfile();
  if (idleProfile) profiles.push(`idle window: ${idleProfile}`);

  const rounds: MeasuredRound[] = [];
  const stopRoundsProfile = await server.profile();
  for (let round = 0; round < ROUNDS; round++) {
    const errorsBefore = fleet.errors;
    const cpuBefore = sampleCpu(watched);
    const figures = await sendToAll(ssm, fleet, AGENTS);
    const cpuAfter = sampleCpu(watched);
    const cpu = cpuBetween(cpuBefore, cpuAfter);
    const serverSeconds = cpuAfter.nodes - cpuBefore.nodes;
    rounds.push({ ...figures, cpu, serverSeconds, failedCalls: fleet.errors - errorsBefore });
    await sleep(1000);
  }
  const roundsProfile = await stopRoundsProfile();
  if (roundsProfile) profiles.push(`SendCommand rounds: ${roundsProfile}`);
  const byTotal = [...rounds].sort((a, b) => a.statusMs - b.statusMs);
  const median = byTotal[Math.floor(byTotal.length / 2)]!;
  const serverMsPerNode = (median.serverSeconds * 1000) / AGENTS;
  const allDelivered = (round: SendRound) =>
    round.status === "Success" && round.finishedMs.length === AGENTS;

  const stateDir = join(root, "agent");
  mkdirSync(stateDir);
  registerRealAgent(server.url, realActivation, stateDir);
  const [agent, bare] = [await startRealAgent(stateDir), startBareNode()];
  await sleep(AGENT_IDLE_MS);
  const agentKb = rssKb(agent.pid);
  const bareKb = rssKb(bare.pid);
  await Promise.all([agent.stop(), bare.stop()]);
  const after = await server.settledMemory();

  const rows: string[][] = [
    [
      "server RSS per connected idle agent",
      `${perAgentKb.toFixed(1)} KB`,
      "≤ 50 KB",
      verdict(perAgentKb <= 50),
      SALT,
    ],
    ["  server RSS before any agent registered", mb(before.rssKb), "", "", ""],
    [
      `  after ${AGENTS} registrations (no polls)`,
      mb(registered.rssKb),
      "",
      "",
      `${kb((registered.rssKb - before.rssKb) / AGENTS)}/node`,
    ],
    [
      `  with ${AGENTS} long polls waiting`,
      mb(polling.rssKb),
      "",
      "",
      `${kb((polling.rssKb - registered.rssKb) / AGENTS)}/waiting poll`,
    ],
    ["  JS heap + external per agent", `${heapPerAgentKb.toFixed(1)} KB`, "", "", ""],
    [
      `server CPU, ${AGENTS} agents idle (${POLL_WAIT_SECONDS} s polls)`,
      `${idle.nodes.toFixed(3)} cores`,
      "",
      "",
      `${((idle.nodes / CORES) * 100).toFixed(1)} % of ${CORES} cores; Salt: 12 cores`,
    ],
    [
      `SendCommand → ${AGENTS} delivered + reported (Success)`,
      ms(median.statusMs),
      "< 2,000 ms",
      verdict(allDelivered(median) && median.statusMs < 2000),
      `median of ${ROUNDS}: ${rounds.map((r) => ms(r.statusMs)).join(", ")}`,
    ],
    ["  SendCommand answered", ms(median.answeredMs), "", "", ""],
    ["  per-node finish acknowledged, p50", ms(percentile(median.finishedMs, 0.5)), "", "", ""],
    ["  per-node finish acknowledged, p99", ms(percentile(median.finishedMs, 0.99)), "", "", ""],
    [
      "  nodes reported / status",
      `${median.finishedMs.length}/${AGENTS}`,
      "",
      "",
      `${median.status}, ${median.errorCount} errors, ${median.failedCalls} calls retried`,
    ],
    [
      "  server CPU during the round",
      `${median.cpu.nodes.toFixed(2)} cores`,
      "",
      "",
      `${serverMsPerNode.toFixed(2)} ms/node; machine ${median.cpu.machine.toFixed(2)}/${CORES} busy` +
        ` (bench ${median.cpu.bench.toFixed(2)}, other ${median.cpu.other.toFixed(2)})`,
    ],
    [
      `real opsflow agent idle RSS (${AGENT_IDLE_MS / 1000} s)`,
      mb(agentKb),
      "< 60 MB",
      verdict(agentKb < 60 * 1024),
      SSM_OOM,
    ],
    [
      "  bare node (setInterval) RSS: the floor",
      mb(bareKb),
      "",
      "",
      `agent = ${(agentKb / bareKb).toFixed(2)}× bare node`,
    ],
  ];
  printTable(
    `Fleet: ${AGENTS} simulated agents on one opsflow server (SQLite, built bin/opsflow)`,
    ["measure", "result", "goal", "goal met", "beside"],
    rows,
  );
  console.log(
    `\nRegistration of ${AGENTS} nodes: ${ms(registerMs)} (16 at a time); all first polls answered` +
      ` ${ms(connectMs)} after the loops started.` +
      `\nIdle window: machine ${idle.machine.toFixed(2)}/${CORES} cores busy, bench process` +
      ` ${benchCores.toFixed(3)} cores (signing and parsing for ${AGENTS} simulated agents).` +
      `\nServer after the rounds and the real agent, settled: RSS ${mb(after.rssKb)}, JS heap used` +
      ` ${mb(after.memory.heapUsed / 1024)} (with ${AGENTS} polls waiting: ${mb(polling.memory.heapUsed / 1024)}).` +
      `\nRSS from /proc/PID/status after two forced collections in the server (a preload answers` +
      `\nSIGUSR2); the baseline is read after the two CreateActivation calls. Simulated agent` +
      `\ncalls failed: ${fleet.errors}${fleet.firstError ? ` (first: ${fleet.firstError})` : ""}.`,
  );
  for (const line of profiles) console.log(`Server CPU profile of the ${line}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const interrupted = (signal: string) => {
    console.error(`\n${signal}: stopping what the benchmark started`);
    cleanUp().finally(() => process.exit(130));
  };
  process.once("SIGINT", () => interrupted("SIGINT"));
  process.once("SIGTERM", () => interrupted("SIGTERM"));
  process.once("exit", killAllNow);
  try {
    await main();
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}
