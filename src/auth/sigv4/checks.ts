/**
 * The checks a request passes before (and after) its signature is computed: scope, signed
 * headers, clock, payload hash, and the constant-time comparison itself.
 */
import { timingSafeEqual } from "node:crypto";
import { type HeaderMap, sha256Hex } from "./canonical.js";
import { fail, type SigV4Failure } from "./failure.js";
import type { SignatureMaterial } from "./material.js";
import * as msg from "./messages.js";
import { formatAmzDate } from "./parse.js";

/** Checks the scope against the request date and the accepted regions and services. */
export function checkScope(
  m: SignatureMaterial,
  services: readonly string[],
  expectedForMessage: readonly string[],
  regions: readonly string[] | undefined,
): SigV4Failure | undefined {
  const { credential } = m;
  if (credential.terminator !== "aws4_request") {
    return fail("InvalidSignatureException", msg.wrongTerminator(credential.terminator));
  }
  if (credential.date !== m.amzDate.slice(0, 8)) {
    return fail(
      "InvalidSignatureException",
      msg.scopeDateMismatch(credential.date, m.amzDate.slice(0, 8), m.amzDate),
    );
  }
  if (regions && !regions.includes(credential.region)) {
    return fail("InvalidSignatureException", msg.wrongRegion(credential.region));
  }
  if (!services.includes(credential.service)) {
    return fail("InvalidSignatureException", msg.wrongService(expectedForMessage));
  }
  return undefined;
}

/**
 * Checks which headers are signed: `host` must be, and so must every `x-amz-*` header the
 * request carries, because those select the operation (`x-amz-target`) or carry
 * credentials; leaving one unsigned would let it be changed in transit.
 */
export function checkSignedHeaders(
  m: SignatureMaterial,
  headers: HeaderMap,
): SigV4Failure | undefined {
  const signed = new Set(m.signedHeaders.map((h) => h.toLowerCase()));
  if (!signed.has("host")) return fail("InvalidSignatureException", msg.HOST_NOT_SIGNED);
  const unsigned = Object.keys(headers)
    .filter((name) => headers[name] !== undefined)
    .filter((name) => name.startsWith("x-amz-") && !signed.has(name))
    .sort();
  if (unsigned.length > 0) {
    return fail("InvalidSignatureException", msg.headersNotSigned(unsigned));
  }
  return undefined;
}

/** Checks the request time against the clock (skew for headers, expiry for presigned). */
export function checkTime(
  m: SignatureMaterial,
  now: Date,
  maxSkewMs: number,
): SigV4Failure | undefined {
  const minutes = Math.round(maxSkewMs / 60_000);
  const t = m.instant.getTime();
  const nowMs = now.getTime();
  if (t > nowMs + maxSkewMs) {
    return fail(
      "InvalidSignatureException",
      msg.signatureNotYetCurrent(
        m.amzDate,
        formatAmzDate(new Date(nowMs + maxSkewMs)),
        formatAmzDate(now),
        minutes,
      ),
    );
  }
  if (m.expiresSeconds !== undefined) {
    const expiresAt = t + m.expiresSeconds * 1000;
    if (nowMs > expiresAt) {
      return fail(
        "InvalidSignatureException",
        msg.presignExpired(m.amzDate, formatAmzDate(new Date(expiresAt)), formatAmzDate(now)),
      );
    }
  } else if (t < nowMs - maxSkewMs) {
    return fail(
      "InvalidSignatureException",
      msg.signatureExpired(
        m.amzDate,
        formatAmzDate(new Date(nowMs - maxSkewMs)),
        formatAmzDate(now),
        minutes,
      ),
    );
  }
  return undefined;
}

/** Chooses the payload hash the client signed, or reports why it is not acceptable. */
export function payloadHash(
  m: SignatureMaterial,
  body: Uint8Array | string,
  allowUnsigned: boolean,
): string | SigV4Failure {
  const declared = m.declaredPayloadHash?.trim();
  if (declared === undefined) return sha256Hex(body);
  if (declared === "UNSIGNED-PAYLOAD") {
    return allowUnsigned
      ? declared
      : fail("InvalidSignatureException", msg.unsupportedPayloadHash(declared));
  }
  if (!/^[0-9a-f]{64}$/.test(declared)) {
    // Streaming (chunked) payload signatures and other schemes are not supported.
    return fail("InvalidSignatureException", msg.unsupportedPayloadHash(declared));
  }
  if (declared !== sha256Hex(body)) {
    return fail("InvalidSignatureException", msg.PAYLOAD_HASH_MISMATCH);
  }
  return declared;
}

/** Compares two hex signatures in constant time (length leaks nothing: it is fixed). */
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, "utf8");
  const provided = Buffer.from(providedHex, "utf8");
  if (expected.length !== provided.length) return false;
  return timingSafeEqual(expected, provided);
}
