/**
 * The error messages AWS JSON services return for authentication failures. Clients and
 * people search for these texts, so they are kept as AWS words them where the wording is
 * known; the few marked "opsflow" have no AWS counterpart we could confirm.
 */

/** No `Authorization` header and no `X-Amz-Algorithm` query parameter. */
export const MISSING_TOKEN = "Request is missing Authentication Token";

/** Unknown access key id, or a session token we never issued. */
export const UNRECOGNIZED_CLIENT = "The security token included in the request is invalid.";

/** The signature does not match (AWS appends the canonical request and string to sign). */
export const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. " +
  "Check your AWS Secret Access Key and signing method. " +
  "Consult the service documentation for details.";

/** The AWS JSON services' detailed mismatch message, showing what the server computed. */
export function signatureMismatchDetail(canonical: string, toSign: string): string {
  return (
    `${SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'${canonical}'\n\n` +
    `The String-to-Sign should have been\n'${toSign}'\n`
  );
}

/** The request is older than the allowed skew. */
export function signatureExpired(
  requestDate: string,
  oldest: string,
  now: string,
  minutes: number,
) {
  return `Signature expired: ${requestDate} is now earlier than ${oldest} (${now} - ${minutes} min.)`;
}

/** The request is dated further in the future than the allowed skew. */
export function signatureNotYetCurrent(
  requestDate: string,
  newest: string,
  now: string,
  minutes: number,
) {
  return `Signature not yet current: ${requestDate} is still later than ${newest} (${now} + ${minutes} min.)`;
}

/** Components missing from the Authorization header, in AWS's order and wording. */
export function incompleteAuthorization(missing: readonly string[], header: string): string {
  const parts = missing.map((name) =>
    name === "Date"
      ? "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
      : `Authorization header requires '${name}' parameter.`,
  );
  return `${parts.join(" ")} Authorization=${header}`;
}

/** The credential scope date is not the day of the request timestamp. */
export function scopeDateMismatch(scopeDate: string, requestDay: string, amzDate: string) {
  return (
    "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: " +
    `'${scopeDate}' != '${requestDay}', from '${amzDate}'.`
  );
}

/** The credential is scoped to a service this endpoint does not serve. */
export function wrongService(expected: readonly string[]): string {
  return `Credential should be scoped to correct service: '${expected.join("' or '")}'. `;
}

/** The credential is scoped to a region this server does not accept. */
export function wrongRegion(region: string): string {
  return `Credential should be scoped to a valid region, not '${region}'. `;
}

/** The last credential element is not `aws4_request`. */
export function wrongTerminator(terminator: string): string {
  return `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `;
}

/** The credential does not have five slash-separated parts (wording after S3's). */
export function malformedCredential(credential: string): string {
  return (
    `The Credential '${credential}' is mal-formed; expecting ` +
    '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'
  );
}

/** `X-Amz-Date` (or `Date`) is not a valid timestamp. */
export function malformedDate(value: string): string {
  return `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`;
}

/** The Host header was not signed. */
export const HOST_NOT_SIGNED =
  "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.";

/** opsflow: an `x-amz-*` header was sent unsigned (S3 rejects this too; so do we, everywhere). */
export function headersNotSigned(names: readonly string[]): string {
  return `There were headers present in the request which were not signed: ${names.join(", ")}`;
}

/** opsflow: `x-amz-content-sha256` does not match the body. */
export const PAYLOAD_HASH_MISMATCH =
  "The provided 'x-amz-content-sha256' header does not match what was computed.";

/** opsflow: `UNSIGNED-PAYLOAD` or a streaming payload where the server requires a signed body. */
export function unsupportedPayloadHash(value: string): string {
  return `The 'x-amz-content-sha256' value '${value}' is not accepted here; sign the payload.`;
}

/** opsflow: an algorithm other than AWS4-HMAC-SHA256 (e.g. SigV4a). */
export function unsupportedAlgorithm(algorithm: string): string {
  return `Unsupported AWS 'algorithm': '${algorithm}'. Only 'AWS4-HMAC-SHA256' is supported.`;
}

/** Both a header and query-string signature (wording after S3's). */
export const TWO_AUTH_MECHANISMS =
  "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, " +
  "Signature query string parameter or the Authorization header should be specified";

/** Presigned URL missing a parameter (wording after S3's). */
export const INCOMPLETE_QUERY_AUTH =
  "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, " +
  "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

/** opsflow: presigned URL whose `X-Amz-Expires` is not a number in range. */
export function invalidExpires(value: string, max: number): string {
  return `X-Amz-Expires must be an integer between 1 and ${max} seconds, got '${value}'.`;
}

/** opsflow: presigned URL used after `X-Amz-Date + X-Amz-Expires`. */
export function presignExpired(amzDate: string, expiresAt: string, now: string): string {
  return `Signature expired: ${amzDate} expired at ${expiresAt}; it is now ${now}.`;
}
