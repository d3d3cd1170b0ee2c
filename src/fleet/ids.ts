/** The fleet's identifiers, in the shapes Systems Manager gives them. */
import { randomBytes } from "node:crypto";

/** A managed node's id: `mi-` and 17 hex digits. */
export function newNodeId(): string {
  return `mi-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

/** True for a managed node id. */
export function isNodeId(value: string): boolean {
  return /^mi-[0-9a-f]{17}$/.test(value);
}

/** An activation code: 20 characters of base62, as SSM's are. */
export function newActivationCode(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // 62 * 4 = 248: dropping bytes ≥ 248 keeps every character equally likely.
  let code = "";
  while (code.length < 20)
    for (const byte of randomBytes(32))
      if (byte < 248 && code.length < 20) code += alphabet[byte % 62];
  return code;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a UUID (activation and command ids). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
