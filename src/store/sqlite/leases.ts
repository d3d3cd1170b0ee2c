/**
 * Leases of the embedded store, held in memory. The embedded store serves one process per
 * data directory, and at start-up every lease is stale (`recoverLeases` forgets them all), so
 * a lease written to the file bought nothing but a row rewrite and an fsync on every claim.
 * Here a claim is a read; the file only ever holds what must survive a crash. The fencing
 * rule is the same as the SQL one it replaces: a lease is active until `until` (inclusive),
 * every new lease gets a higher fence, and only the current fence may commit or release.
 */
import type Database from "better-sqlite3";

/** One lease: who holds it, until when, and the fencing token its holder must present. */
export interface Lease {
  owner: string;
  until: number;
  fence: number;
  /** When the leased item was first taken (kept across re-leases after expiry). */
  firstTakenAt: number;
}

/** Leases on keys (execution ARNs, task tokens). */
export class LeaseTable {
  private readonly held = new Map<string, Lease>();

  constructor(private readonly fences: { next: number }) {}

  /** The lease on `key` if it is still active at `now`. */
  active(key: string, now: number): Lease | undefined {
    const lease = this.held.get(key);
    return lease && lease.until >= now ? lease : undefined;
  }

  /** Leases `key` unless an active lease exists; a re-lease gets a higher fence. */
  take(key: string, owner: string, now: number, ms: number): Lease | undefined {
    const previous = this.held.get(key);
    if (previous && previous.until >= now) return undefined;
    const lease: Lease = {
      owner,
      until: now + ms,
      fence: this.fences.next++,
      firstTakenAt: previous?.firstTakenAt ?? now,
    };
    this.held.set(key, lease);
    return lease;
  }

  /** The lease on `key`, active or expired. */
  get(key: string): Lease | undefined {
    return this.held.get(key);
  }

  /** Leases held, active or expired. */
  get size(): number {
    return this.held.size;
  }

  /** True when `fence` is the current lease's (active or expired but not taken since). */
  holds(key: string, fence: number): boolean {
    return this.held.get(key)?.fence === fence;
  }

  /** Ends the lease on `key` if `fence` is current (or unconditionally without one). */
  release(key: string, fence?: number): void {
    if (fence === undefined || this.holds(key, fence)) this.held.delete(key);
  }

  /** Active leases at `now`, for queries that must skip them. */
  activeCount(now: number): number {
    let count = 0;
    for (const lease of this.held.values()) if (lease.until >= now) count++;
    return count;
  }

  /** Forgets every lease (a fresh start: the process that held them is gone). */
  clear(): void {
    this.held.clear();
  }
}

/** The lease tables of one database: executions and dispatch tasks. */
export interface StoreLeases {
  executions: LeaseTable;
  tasks: LeaseTable;
}

const byDatabase = new WeakMap<Database.Database, StoreLeases>();

/** The lease tables of `db` (one set per open database, shared by its query modules). */
export function leasesOf(db: Database.Database): StoreLeases {
  let leases = byDatabase.get(db);
  if (!leases) {
    // Fences only grow, across both tables, so a stale claim can never match a newer lease.
    const fences = { next: 1 };
    leases = { executions: new LeaseTable(fences), tasks: new LeaseTable(fences) };
    byDatabase.set(db, leases);
  }
  return leases;
}
