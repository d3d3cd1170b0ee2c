/**
 * Signed approve/reject links for email: the token names the request, the voter, the decision
 * and an expiry, and carries an HMAC-SHA256 under a key derived from the server's master key,
 * so it cannot be forged or altered. It is single-use: the digest of a used token's signature
 * is stored with the vote, in the same transaction.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { OpsError } from "../errors.js";

/** What a link authorizes. */
export interface LinkClaims {
  /** Approval id. */
  a: string;
  /** The voter (user name). */
  v: string;
  /** The decision. */
  d: "approve" | "reject";
  /** Expiry, epoch milliseconds. */
  e: number;
}

/** Derives the link key from the master key (a separate key per purpose). */
export function linkKey(masterKey: Buffer): Buffer {
  return createHmac("sha256", masterKey).update("opsflow approval links v1").digest();
}

const mac = (key: Buffer, payload: string) =>
  createHmac("sha256", key).update(payload).digest("base64url");

/** A link token: `payload.signature`, both base64url. */
export function signLink(key: Buffer, claims: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${payload}.${mac(key, payload)}`;
}

/** The digest that marks a token used. */
export const linkHash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Verifies a token's signature and expiry; throws OpsError (401 forged, 410 expired). */
export function verifyLink(key: Buffer, token: string, now: number): LinkClaims {
  const forged = () =>
    new OpsError("Unauthorized", "This approval link is not valid (altered or not issued here).");
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) throw forged();
  const expected = Buffer.from(mac(key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw forged();
  let claims: LinkClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as LinkClaims;
  } catch {
    throw forged();
  }
  if (claims.e <= now)
    throw new OpsError(
      "Expired",
      `This approval link expired at ${new Date(claims.e).toISOString()}.`,
    );
  return claims;
}
