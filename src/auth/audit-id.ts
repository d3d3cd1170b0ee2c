/**
 * Audit event ids: UUIDs of version 7 (RFC 9562), whose first 48 bits are the event's time in
 * milliseconds. The audit trail only grows, and its unique id index is written by every
 * mutating request: random ids put each entry on a random page of that index (one more page
 * per request for the commit and the checkpoint to write), while ids that grow with time
 * append to its last page.
 */
import { randomBytes } from "node:crypto";

/** A version 7 UUID for an event that happened at `ms` (milliseconds since the epoch). */
export function auditEventId(ms: number): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(Math.max(0, Math.trunc(ms)) % 2 ** 48, 0, 6);
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
