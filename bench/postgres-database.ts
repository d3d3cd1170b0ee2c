/**
 * The database side of bench/postgres-nodes.ts: fresh databases on the throw-away cluster, the
 * postmaster whose process tree is PostgreSQL's CPU, and the commit ceiling the nodes are
 * measured against.
 */
import pg from "pg";
import { processTable } from "./cpu-usage.js";

/** A round's own account of its work: units done, and their rate when it measured that itself. */
export interface Done {
  units: number;
  seconds?: number;
  perSecond?: number;
}

function databaseUrl(clusterUrl: string, database: string): string {
  const url = new URL(clusterUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Creates an empty database `name` on the cluster at `clusterUrl` and returns its URL. */
export async function createDatabase(clusterUrl: string, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(clusterUrl, name);
}

/** The cluster's postmaster: the parent of every backend, so of one we connect to. */
export async function postmasterPid(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    return processTable().get(rows[0].pid)?.parent ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * Single-row 1 KB inserts, each its own transaction, from `clients` connections for `ms`: the
 * most commits/s the cluster takes, which every opsflow write pays at least once.
 */
export async function commitCeiling(url: string, clients: number, ms: number): Promise<Done> {
  const connections = Array.from(
    { length: clients },
    () => new pg.Client({ connectionString: url }),
  );
  await Promise.all(connections.map((client) => client.connect()));
  try {
    await connections[0].query(
      "CREATE TABLE IF NOT EXISTS ceiling (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)",
    );
    const body = "x".repeat(1024);
    const insert = "INSERT INTO ceiling (body) VALUES ($1)";
    for (const client of connections) await client.query(insert, [body]);
    let commits = 0;
    const start = performance.now();
    const end = start + ms;
    await Promise.all(
      connections.map(async (client) => {
        while (performance.now() < end) {
          await client.query(insert, [body]);
          commits++;
        }
      }),
    );
    return { units: commits, seconds: (performance.now() - start) / 1000 };
  } finally {
    await Promise.all(connections.map((client) => client.end()));
  }
}
