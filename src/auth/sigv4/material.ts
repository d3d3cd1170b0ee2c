/**
 * Extraction of the signature material from a request: from the `Authorization` header or
 * from the query string of a presigned URL. Both yield the same {@link SignatureMaterial}
 * so that the checks and the signature computation do not care which form was used.
 */
import type { HeaderMap } from "./canonical.js";
import { fail, type SigV4Failure } from "./failure.js";
import * as msg from "./messages.js";
import {
  type CredentialScope,
  parseAuthorizationHeader,
  parseCredential,
  parseRequestDate,
  SIGV4_ALGORITHM,
} from "./parse.js";

/** `X-Amz-*` query names of presigned requests. */
export const Q = {
  algorithm: "X-Amz-Algorithm",
  credential: "X-Amz-Credential",
  date: "X-Amz-Date",
  expires: "X-Amz-Expires",
  signedHeaders: "X-Amz-SignedHeaders",
  signature: "X-Amz-Signature",
  token: "X-Amz-Security-Token",
  contentSha256: "X-Amz-Content-Sha256",
} as const;

/** The material common to both signature forms, once extracted. */
export interface SignatureMaterial {
  presigned: boolean;
  credential: CredentialScope;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  instant: Date;
  expiresSeconds: number | undefined;
  sessionToken: string | undefined;
  declaredPayloadHash: string | undefined;
}

/** A header's value, repeated values joined with commas. */
export function header(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(",");
}

/** The first value of a query parameter. */
export function firstParam(pairs: ReadonlyArray<readonly [string, string]>, name: string) {
  return pairs.find(([k]) => k === name)?.[1];
}

/** Reads the header-form signature material, or the failure AWS would report. */
export function fromAuthorizationHeader(
  authorization: string,
  headers: HeaderMap,
): SignatureMaterial | SigV4Failure {
  const fields = parseAuthorizationHeader(authorization);
  if (typeof fields === "string") return fail("IncompleteSignatureException", fields);
  if (fields.algorithm !== SIGV4_ALGORITHM && fields.algorithm.startsWith("AWS4-")) {
    return fail("IncompleteSignatureException", msg.unsupportedAlgorithm(fields.algorithm));
  }
  const rawDate = header(headers, "x-amz-date") ?? header(headers, "date");
  const missing: string[] = [];
  if (fields.algorithm !== SIGV4_ALGORITHM || fields.credential === undefined) {
    missing.push("Credential");
  }
  if (fields.algorithm !== SIGV4_ALGORITHM || fields.signature === undefined) {
    missing.push("Signature");
  }
  if (fields.algorithm !== SIGV4_ALGORITHM || fields.signedHeaders === undefined) {
    missing.push("SignedHeaders");
  }
  if (rawDate === undefined) missing.push("Date");
  if (missing.length > 0) {
    return fail(
      "IncompleteSignatureException",
      msg.incompleteAuthorization(missing, authorization),
    );
  }
  const credential = parseCredential(fields.credential!);
  if (!credential) {
    return fail("IncompleteSignatureException", msg.malformedCredential(fields.credential!));
  }
  // X-Amz-Date must be basic ISO 8601; only the plain Date header may be an HTTP date.
  const fromAmz = header(headers, "x-amz-date") !== undefined;
  const date = parseRequestDate(rawDate!, !fromAmz);
  if (!date) return fail("IncompleteSignatureException", msg.malformedDate(rawDate!));
  return {
    presigned: false,
    credential,
    signedHeaders: fields.signedHeaders!.split(";"),
    signature: fields.signature!,
    amzDate: date.amzDate,
    instant: date.instant,
    expiresSeconds: undefined,
    sessionToken: header(headers, "x-amz-security-token"),
    declaredPayloadHash: header(headers, "x-amz-content-sha256"),
  };
}

/** Reads the query-string (presigned) signature material. */
export function fromQuery(
  pairs: ReadonlyArray<readonly [string, string]>,
  headers: HeaderMap,
  maxExpires: number,
): SignatureMaterial | SigV4Failure {
  const algorithm = firstParam(pairs, Q.algorithm);
  const rawCredential = firstParam(pairs, Q.credential);
  const rawDate = firstParam(pairs, Q.date);
  const rawExpires = firstParam(pairs, Q.expires);
  const signedHeaders = firstParam(pairs, Q.signedHeaders);
  const signature = firstParam(pairs, Q.signature);
  if (
    rawCredential === undefined ||
    rawDate === undefined ||
    rawExpires === undefined ||
    signedHeaders === undefined ||
    signature === undefined
  ) {
    return fail("IncompleteSignatureException", msg.INCOMPLETE_QUERY_AUTH);
  }
  if (algorithm !== SIGV4_ALGORITHM) {
    return fail("IncompleteSignatureException", msg.unsupportedAlgorithm(algorithm ?? ""));
  }
  const credential = parseCredential(rawCredential);
  if (!credential) {
    return fail("IncompleteSignatureException", msg.malformedCredential(rawCredential));
  }
  const date = parseRequestDate(rawDate, false);
  if (!date) return fail("IncompleteSignatureException", msg.malformedDate(rawDate));
  const expires = /^\d{1,7}$/.test(rawExpires) ? Number(rawExpires) : Number.NaN;
  if (!(expires >= 1 && expires <= maxExpires)) {
    return fail("IncompleteSignatureException", msg.invalidExpires(rawExpires, maxExpires));
  }
  return {
    presigned: true,
    credential,
    signedHeaders: signedHeaders.split(";"),
    signature,
    amzDate: date.amzDate,
    instant: date.instant,
    expiresSeconds: expires,
    sessionToken: firstParam(pairs, Q.token) ?? header(headers, "x-amz-security-token"),
    declaredPayloadHash:
      header(headers, "x-amz-content-sha256") ?? firstParam(pairs, Q.contentSha256),
  };
}
