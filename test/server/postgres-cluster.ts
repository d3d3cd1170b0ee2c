/**
 * A PostgreSQL cluster of a test's own (scripts/postgres-cluster.sh), for tests that restart
 * the database itself and so must not share the suite's cluster.
 */
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A running cluster: its URL, and restarting and stopping it. */
export interface PostgresCluster {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a new cluster in a new temporary directory. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const script = "scripts/postgres-cluster.sh";
  // Run as root, the script hands the directory to the postgres user, who must reach it.
  const dir = mkdtempSync(join(tmpdir(), "opsflow-postgres-"));
  chmodSync(dir, 0o755);
  const { stdout } = await run(script, [dir]);
  return {
    url: stdout.trim(),
    restart: async () => {
      await run(script, [dir, "restart"]);
    },
    stop: async () => {
      await run(script, [dir, "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
