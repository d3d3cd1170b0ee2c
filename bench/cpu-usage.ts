/**
 * Machine-wide CPU accounting from /proc, split between process trees: on a small machine the
 * load generator, the database and the servers share the same cores, and the split tells which
 * of them runs out first. Linux only.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

/** The cores of this machine: the most CPU a split can add up to. */
export const CORES = cpus().length;

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** The process trees whose CPU is told apart: the database's postmaster and the servers. */
export interface Watched {
  postmaster: number;
  nodes: number[];
}

/** CPU time so far: the machine's busy and total jiffies, and seconds of each process group. */
export interface CpuSample {
  at: number;
  busy: number;
  total: number;
  postgres: number;
  nodes: number;
  bench: number;
}

/** CPU used between two samples, in cores (1 = one core busy the whole time). */
export interface CpuUse {
  machine: number;
  postgres: number;
  nodes: number;
  /** This process and its children other than the nodes: the load generators. */
  bench: number;
  /** Everything else on the machine. */
  other: number;
}

/** A process's parent and CPU ticks. */
interface ProcessTicks {
  parent: number;
  ticks: number;
}

function machineJiffies(): { busy: number; total: number } {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1);
  const values = fields.map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle and iowait are the time no task ran; guest times are already inside user and nice.
  const guest = (values[8] ?? 0) + (values[9] ?? 0);
  return { busy: total - guest - values[3] - (values[4] ?? 0), total: total - guest };
}

/** Every process's parent and CPU ticks (own + reaped children): one pass over /proc. */
export function processTable(): Map<number, ProcessTicks> {
  const table = new Map<number, ProcessTicks>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields start after its last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks =
        Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      table.set(Number(entry), { parent: Number(fields[1]), ticks });
    } catch {
      // The process ended while we read.
    }
  }
  return table;
}

/** CPU seconds of `roots` and all their descendants. */
function treeSeconds(table: Map<number, ProcessTicks>, roots: readonly number[]): number {
  const inTree = new Set(roots);
  let ticks = 0;
  // Parents have lower pids only usually, so repeat until no process joins.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { parent }] of table)
      if (!inTree.has(pid) && inTree.has(parent)) {
        inTree.add(pid);
        grew = true;
      }
  }
  for (const pid of inTree) ticks += table.get(pid)?.ticks ?? 0;
  return ticks / CLOCK_TICKS;
}

/** The CPU used so far by the machine and by each of the `watched` trees and this process's. */
export function sampleCpu(watched: Watched): CpuSample {
  const table = processTable();
  return {
    at: performance.now(),
    ...machineJiffies(),
    postgres: treeSeconds(table, [watched.postmaster]),
    nodes: treeSeconds(table, watched.nodes),
    // The nodes are this process's children too: their share is taken out in cpuBetween.
    bench: treeSeconds(table, [process.pid]),
  };
}

/** The CPU used between two samples, in cores. */
export function cpuBetween(before: CpuSample, after: CpuSample): CpuUse {
  const seconds = (after.at - before.at) / 1000;
  const machine = ((after.busy - before.busy) / (after.total - before.total)) * CORES;
  const postgres = (after.postgres - before.postgres) / seconds;
  const nodes = (after.nodes - before.nodes) / seconds;
  const bench = Math.max(0, (after.bench - before.bench) / seconds - nodes);
  const other = Math.max(0, machine - postgres - nodes - bench);
  return { machine, postgres, nodes, bench, other };
}

/** A CPU split for a table cell: busy cores of all, then each group's share. */
export function cpuText(cpu: CpuUse): string {
  return `${cpu.machine.toFixed(2)}/${CORES}: pg ${cpu.postgres.toFixed(2)}, nodes ${cpu.nodes.toFixed(2)}, bench ${cpu.bench.toFixed(2)}, other ${cpu.other.toFixed(2)}`;
}

/**
 * What ran out while a round reached `perSecond`, as far as the CPU split tells: the machine's
 * cores, the database's commits (the rate near its `ceiling`), PostgreSQL's one busy core, or
 * nothing (the round waited on latency).
 */
export function bound(cpu: CpuUse, perSecond: number, ceiling: number): string {
  if (cpu.machine >= CORES * 0.9)
    return cpu.postgres >= cpu.nodes ? "CPU (pg the most)" : "CPU (nodes the most)";
  if (perSecond >= ceiling * 0.8) return "database commits";
  if (cpu.postgres >= 0.9) return "pg (one core)";
  return "neither: latency";
}
