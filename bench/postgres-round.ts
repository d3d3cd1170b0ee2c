/**
 * One measured round of bench/postgres-nodes.ts: its rate, the machine's CPU split while it ran,
 * and the database work it caused per unit, read from PostgreSQL's own counters.
 */
import type pg from "pg";
import { type CpuUse, cpuBetween, sampleCpu, type Watched } from "./cpu-usage.js";
import type { Done } from "./postgres-database.js";
import { fastestRound } from "./table.js";

/** A measured round: its rate, the CPU it used, and the database work it caused. */
export interface Figure {
  perSecond: number;
  units: number;
  cpu: CpuUse;
  /** Transactions that wrote (transaction ids assigned, cluster-wide) per unit. */
  transactionsPerUnit: number;
  walBytesPerUnit: number;
}

/** Transaction ids assigned and WAL bytes written so far (exact, unlike the statistics views). */
async function databaseCounters(db: pg.Client): Promise<{ xid: number; wal: number }> {
  const { rows } = await db.query<{ xid: number; wal: number }>(
    "SELECT pg_current_xact_id()::text::float8 AS xid, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::float8 AS wal",
  );
  return rows[0];
}

/**
 * Runs `round` `times` times; the fastest counts (the least disturbed by the rest of the
 * machine). `db` reads the cluster's counters, `watched` names the trees whose CPU is split out.
 */
export function bestRound(
  db: pg.Client,
  watched: Watched,
  times: number,
  round: () => Promise<Done>,
): Promise<Figure> {
  return fastestRound(times, async () => {
    const counters = await databaseCounters(db);
    const cpu = sampleCpu(watched);
    const start = performance.now();
    const done = await round();
    const elapsed = (performance.now() - start) / 1000;
    const used = cpuBetween(cpu, sampleCpu(watched));
    const after = await databaseCounters(db);
    return {
      perSecond: done.perSecond ?? done.units / (done.seconds ?? elapsed),
      units: done.units,
      cpu: used,
      // The first sample's own transaction took an id.
      transactionsPerUnit: (after.xid - counters.xid - 1) / done.units,
      walBytesPerUnit: (after.wal - counters.wal) / done.units,
    };
  });
}
