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
import { canonicalRequest, type HeaderMap, parseQuery, stringToSign } from "./sigv4/canonical.js";
import {
  checkScope,
  checkSignedHeaders,
  checkTime,
  payloadHash,
  signaturesEqual,
} from "./sigv4/checks.js";
import { fail, type SigV4Failure } from "./sigv4/failure.js";
import { fromAuthorizationHeader, fromQuery, header, Q } from "./sigv4/material.js";
import * as msg from "./sigv4/messages.js";
import { hmacSha256, SigningKeyCache } from "./sigv4/signing-key.js";

export type { HeaderMap } from "./sigv4/canonical.js";
export type { SigV4ErrorCode, SigV4Failure } from "./sigv4/failure.js";
export { SigningKeyCache } from "./sigv4/signing-key.js";

/** A request as received, before any decoding of path, query or body. */
export interface SigV4Request {
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** The path exactly as on the wire (still percent-encoded), without the query. */
  path: string;
  /** The raw query string without the leading `?`; empty when there is none. */
  query: string;
  /**
   * Headers with lower-cased names. Pass Node's `req.headersDistinct`: repeated headers
   * then stay arrays and are joined with `,` as SigV4 specifies, whereas `req.headers`
   * joins them with `, ` and such a request would not verify.
   */
  headers: HeaderMap;
  /** The body bytes (a string is hashed as UTF-8). */
  body: Uint8Array | string;
}

/** What a credential lookup must return: the secret, plus any principal fields. */
export interface SigV4Secret {
  secretAccessKey: string;
}

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
    const key = cache.get(
      found.secretAccessKey,
      credential.date,
      credential.region,
      credential.service,
    );
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
