/**
 * Parsing of the signature material a client sends: the `Authorization` header, the
 * credential scope, and the request timestamp. Pure functions; failures are returned as
 * messages so the verifier can attach AWS's error codes.
 */

/** The algorithm identifier of SigV4 with HMAC-SHA256, the only one supported. */
export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** The components of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface AuthorizationFields {
  algorithm: string;
  credential: string | undefined;
  signedHeaders: string | undefined;
  signature: string | undefined;
}

/**
 * Splits an Authorization header into its named components. Returns a string (the AWS
 * message) when a component is not a `key=value` pair.
 */
export function parseAuthorizationHeader(header: string): AuthorizationFields | string {
  const trimmed = header.trim();
  const space = trimmed.indexOf(" ");
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? "" : trimmed.slice(space + 1);
  const fields: AuthorizationFields = {
    algorithm,
    credential: undefined,
    signedHeaders: undefined,
    signature: undefined,
  };
  // AWS splits on commas and whitespace alike, so a stray space inside a value surfaces as
  // a part without `=` (the usual symptom of a secret pasted with a trailing space).
  for (const part of rest.split(/[\s,]+/)) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq === -1) {
      return `'${part}' not a valid key=value pair (missing equal-sign) in Authorization header: '${header}'.`;
    }
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === "Credential") fields.credential = value;
    else if (key === "SignedHeaders") fields.signedHeaders = value;
    else if (key === "Signature") fields.signature = value;
  }
  return fields;
}

/** A credential `AKID/YYYYMMDD/region/service/aws4_request`, split. */
export interface CredentialScope {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  /** `date/region/service/aws4_request`, the scope as it appears in the string to sign. */
  scope: string;
}

/**
 * Splits a credential into its five parts. The access key id may not contain `/`, so the
 * split is unambiguous; any other count is malformed.
 */
export function parseCredential(credential: string): CredentialScope | undefined {
  const parts = credential.split("/");
  if (parts.length !== 5 || parts.some((p) => p === "")) return undefined;
  const [accessKeyId, date, region, service, terminator] = parts as [
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    accessKeyId,
    date,
    region,
    service,
    terminator,
    scope: `${date}/${region}/${service}/${terminator}`,
  };
}

const BASIC_ISO = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * Reads a request timestamp. `X-Amz-Date` must be ISO 8601 basic format
 * (`20150830T123600Z`); the `Date` header may also be an HTTP date, which is then signed in
 * basic format. Returns the instant and its basic-format spelling, or undefined.
 */
export function parseRequestDate(
  value: string,
  allowHttpDate: boolean,
): { instant: Date; amzDate: string } | undefined {
  const match = BASIC_ISO.exec(value.trim());
  if (match) {
    const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
    const ms = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const instant = new Date(ms);
    // Date.UTC rolls 20230231 over into March; a rolled date is not a valid timestamp.
    if (Number.isNaN(ms) || formatAmzDate(instant) !== value.trim()) return undefined;
    return { instant, amzDate: value.trim() };
  }
  if (!allowHttpDate) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return undefined;
  const instant = new Date(ms);
  return { instant, amzDate: formatAmzDate(instant) };
}

/** ISO 8601 basic format without milliseconds, as used in `X-Amz-Date`. */
export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}
