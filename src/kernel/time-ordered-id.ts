/**
 * Ids of rows that only grow (audit events, accepted events, and the names of executions that
 * events start or that are started without one): UUIDs of version 7 (RFC 9562), whose first 48 bits are the time in
 * milliseconds. Each such id is a key of a unique index written by every request: random ids
 * put each entry on a random page of the index (one more page for the commit and the
 * checkpoint to write, and a split now and then), while ids that grow with time append to
 * its last page.
 */
import { randomFillSync } from "node:crypto";

// Random bytes are drawn for 256 ids at a time: one call per id cost more than the rest of
// the id (as node:crypto's randomUUID also does).
const pool = Buffer.alloc(16 * 256);
let next = pool.length;

/** A version 7 UUID for something that happened at `ms` (milliseconds since the epoch). */
export function timeOrderedId(ms: number): string {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  const bytes = pool.subarray(next, next + 16);
  next += 16;
  bytes.writeUIntBE(Math.max(0, Math.trunc(ms)) % 2 ** 48, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
