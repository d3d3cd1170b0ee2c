/**
 * Which node this process is. A node is a data directory: its id is kept there
 * (`node-id`), and one process at a time holds it (`node.lock`, dropped by the operating
 * system when the process dies). Every lease this process takes is owned under the id, so at
 * start-up it can free the leases its previous process left (that process is certainly gone)
 * without waiting for them to run out, while other nodes' leases stay theirs.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockFile } from "../store/sqlite/database.js";

/** Another process runs on this data directory. */
export class DataDirectoryInUseError extends Error {
  override readonly name = "DataDirectoryInUseError";
  constructor(readonly dataDir: string) {
    super(
      `The data directory ${dataDir} is in use by another opsflow process: one server per data directory (give each node its own).`,
    );
  }
}

/** This process's node: its id, and the release of the data directory. */
export interface NodeIdentity {
  /** 16 hex digits, the same across restarts on the same data directory. */
  id: string;
  /** The prefix of every lease owner of this node. */
  leaseOwnerPrefix: string;
  release(): void;
}

/** Takes the data directory for this process and reads (or makes) its node id. */
export function claimNode(dataDir: string): NodeIdentity {
  mkdirSync(dataDir, { recursive: true });
  const release = lockFile(join(dataDir, "node.lock"));
  if (!release) throw new DataDirectoryInUseError(dataDir);
  const path = join(dataDir, "node-id");
  let id: string;
  try {
    id = readFileSync(path, "utf8").trim();
  } catch {
    id = randomBytes(8).toString("hex");
    writeFileSync(path, `${id}\n`);
  }
  if (!/^[0-9a-f]{16}$/.test(id)) {
    release();
    throw new Error(
      `${path} does not hold a node id (16 hex digits): remove it to make a new one.`,
    );
  }
  return { id, leaseOwnerPrefix: `${id}/`, release };
}
