/**
 * Verification of AWS Signature Version 4 (`AWS4-HMAC-SHA256`), the way AWS services check
 * it, so that the official SDKs and CLI authenticate against opsflow unchanged.
 *
 * The verifier is pure apart from its injected dependencies: the credential lookup (a
 * store read) and the clock. It supports the `Authorization` header and presigned
 * (query-string) requests. Session tokens (`x-amz-security-token`) are rejected by default:
 * opsflow never issues temporary credentials, so a token can only be one from AWS that the
 * caller did not mean to send here, and ignoring it would hide that mistake.
 */
import { timingSafeEqual } from "node:crypto";
import {
  canonicalRequest,
  type HeaderMap,
  parseQuery,
  sha256Hex,
  stringToSign,
} from "./sigv4/canonical.js";
import * as msg from "./sigv4/messages.js";
import {
  type CredentialScope,
  formatAmzDate,
  parseAuthorizationHeader,
  parseCredential,
  parseRequestDate,
  SIGV4_ALGORITHM,
} from "./sigv4/parse.js";
import { hmacSha256, SigningKeyCache } from "./sigv4/signing-key.js";

export type { HeaderMap } from "./sigv4/canonical.js";
export { SigningKeyCache } from "./sigv4/signing-key.js";

/** A request as received, before any decoding of path, query or body. */
export interface SigV4Request {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** The path exactly as on the wire (still percent-encoded), without the query. */
  path: string;
  /** The raw query string without the leading `?`; empty when there is none. */
  query: string;
  /** Headers with lower-cased names; repeated headers as arrays or comma-joined. */
  headers: HeaderMap;
  /** The body bytes (a string is hashed as UTF-8). */
  body: Uint8Array | string;
}

/** What a credential lookup must return: the secret, plus any principal fields. */
export interface SigV4Secret {
  secretAccessKey: string;
}

/** The AWS error codes an authentication failure maps to. */
export type SigV4ErrorCode =
  | "UnrecognizedClientException"
  | "InvalidSignatureException"
  | "MissingAuthenticationTokenException"
  | "IncompleteSignatureException";

/** A verified request: who signed it, for which region and service. */
export interface SigV4Success<P> {
  ok: true;
  accessKeyId: string;
  region: string;
  service: string;
  /** The lookup's result without the secret. */
  principal: P;
  /** The request timestamp the client signed. */
  signedAt: Date;
  /** True when the signature came from the query string (presigned URL). */
  presigned: boolean;
}

/** A rejected request, with the code and message AWS would answer. */
export interface SigV4Failure {
  ok: false;
  code: SigV4ErrorCode;
  message: string;
}

/** The outcome of {@link SigV4Verifier.verify}. */
export type SigV4Result<P> = SigV4Success<P> | SigV4Failure;

/** Configuration of a verifier. */
export interface SigV4VerifierOptions<T extends SigV4Secret> {
  /** Finds the secret (and principal) of an access key id; undefined when unknown. */
  lookup: (accessKeyId: string) => Promise<T | undefined>;
  /** The injected clock. */
  now: () => Date;
  /** Signing names the credential scope may name, e.g. `["states", "events", "ssm"]`. */
  services: readonly string[];
  /** Regions accepted in the scope; any region when omitted (a self-hosted server has none). */
  regions?: readonly string[];
  /** Allowed clock skew for header signatures, in milliseconds. AWS: 15 minutes. */
  maxSkewMs?: number;
  /**
   * Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD`. Off by default: the JSON APIs carry
   * the whole operation in the body, and an unsigned body could be replaced in transit.
   */
  allowUnsignedPayload?: boolean;
  /** What to do with `x-amz-security-token`: `reject` (default) or `ignore`. */
  sessionToken?: "reject" | "ignore";
  /**
   * Append the canonical request and string to sign to signature-mismatch messages, as
   * AWS's JSON services do. Nothing secret is in them; on by default to ease debugging.
   */
  detailedMismatchMessages?: boolean;
  /** Cache for derived signing keys (shared across verifiers if given). */
  cache?: SigningKeyCache;
  /** Longest `X-Amz-Expires` accepted for presigned URLs, in seconds. AWS: 7 days. */
  maxPresignExpiresSeconds?: number;
}

/** Per-call narrowing, e.g. the service the `X-Amz-Target` prefix implies. */
export interface SigV4VerifyContext {
  /** The signing name this request must be scoped to (must be one of `services`). */
  service?: string;
}

/** A configured verifier. */
export interface SigV4Verifier<P> {
  /** Verifies one request. Never throws for bad input; lookup errors propagate. */
  verify(request: SigV4Request, context?: SigV4VerifyContext): Promise<SigV4Result<P>>;
}

/** `X-Amz-*` query names of presigned requests. */
const Q = {
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
interface SignatureMaterial {
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

const fail = (code: SigV4ErrorCode, message: string): SigV4Failure => ({ ok: false, code, message });

function header(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : value.join(",");
}

function firstParam(pairs: ReadonlyArray<readonly [string, string]>, name: string) {
  return pairs.find(([k]) => k === name)?.[1];
}

/** Reads the header-form signature material, or the failure AWS would report. */
function fromAuthorizationHeader(
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
    return fail("IncompleteSignatureException", msg.incompleteAuthorization(missing, authorization));
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
function fromQuery(
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

/** Checks the scope against the request date and the accepted regions and services. */
function checkScope(
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
function checkSignedHeaders(m: SignatureMaterial, headers: HeaderMap): SigV4Failure | undefined {
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
function checkTime(m: SignatureMaterial, now: Date, maxSkewMs: number): SigV4Failure | undefined {
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
function payloadHash(
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
function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, "utf8");
  const provided = Buffer.from(providedHex, "utf8");
  if (expected.length !== provided.length) return false;
  return timingSafeEqual(expected, provided);
}

/**
 * Builds a SigV4 verifier.
 *
 * @example
 * const verifier = createSigV4Verifier({ lookup, now: () => new Date(), services: ["states"] });
 * const result = await verifier.verify({ method, path, query, headers, body });
 * if (!result.ok) return awsError(result.code, result.message);
 */
export function createSigV4Verifier<T extends SigV4Secret>(
  options: SigV4VerifierOptions<T>,
): SigV4Verifier<Omit<T, "secretAccessKey">> {
  const maxSkewMs = options.maxSkewMs ?? 15 * 60_000;
  const maxExpires = options.maxPresignExpiresSeconds ?? 7 * 24 * 3600;
  const cache = options.cache ?? new SigningKeyCache();
  const detailed = options.detailedMismatchMessages ?? true;

  async function verify(
    request: SigV4Request,
    context: SigV4VerifyContext = {},
  ): Promise<SigV4Result<Omit<T, "secretAccessKey">>> {
    const { headers } = request;
    const query = parseQuery(request.query);
    const authorization = header(headers, "authorization");
    const hasQueryAuth = query.some(([k]) => k === Q.algorithm || k === Q.signature);
    if (authorization !== undefined && hasQueryAuth) {
      return fail("InvalidSignatureException", msg.TWO_AUTH_MECHANISMS);
    }
    if (authorization === undefined && !hasQueryAuth) {
      return fail("MissingAuthenticationTokenException", msg.MISSING_TOKEN);
    }
    const material =
      authorization !== undefined
        ? fromAuthorizationHeader(authorization, headers)
        : fromQuery(query, headers, maxExpires);
    if ("ok" in material) return material;

    // A per-call service narrows the allowed list; one outside the list allows nothing.
    const wanted = context.service !== undefined ? [context.service] : options.services;
    const services = options.services.filter((s) => wanted.includes(s));
    const problem =
      checkScope(material, services, wanted, options.regions) ??
      checkSignedHeaders(material, headers) ??
      checkTime(material, options.now(), maxSkewMs);
    if (problem) return problem;

    if (material.sessionToken !== undefined && (options.sessionToken ?? "reject") === "reject") {
      return fail("UnrecognizedClientException", msg.UNRECOGNIZED_CLIENT);
    }
    const found = await options.lookup(material.credential.accessKeyId);
    if (!found) return fail("UnrecognizedClientException", msg.UNRECOGNIZED_CLIENT);

    const hash = payloadHash(material, request.body, options.allowUnsignedPayload ?? false);
    if (typeof hash !== "string") return hash;

    const canonical = canonicalRequest({
      method: request.method,
      rawPath: request.path,
      query,
      headers,
      signedHeaders: material.signedHeaders.map((h) => h.toLowerCase()),
      payloadHash: hash,
    });
    const { credential } = material;
    const toSign = stringToSign(material.amzDate, credential.scope, canonical);
    const key = cache.get(found.secretAccessKey, credential.date, credential.region, credential.service);
    const expected = hmacSha256(key, toSign).toString("hex");
    if (!signaturesEqual(expected, material.signature)) {
      return fail(
        "InvalidSignatureException",
        detailed ? msg.signatureMismatchDetail(canonical, toSign) : msg.SIGNATURE_MISMATCH,
      );
    }
    const { secretAccessKey: _secret, ...principal } = found;
    return {
      ok: true,
      accessKeyId: credential.accessKeyId,
      region: credential.region,
      service: credential.service,
      principal,
      signedAt: material.instant,
      presigned: material.presigned,
    };
  }

  return { verify };
}
