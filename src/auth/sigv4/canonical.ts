/**
 * The canonical request of Signature Version 4, built from a request as it arrived on the
 * wire. Each rule mirrors what the signing SDKs do (`@smithy/signature-v4`, botocore), since
 * a verifier must reproduce the client's bytes exactly, not an idealised form of them.
 */
import { createHash } from "node:crypto";

/** The hash of an empty payload, which clients send for bodiless requests. */
export const EMPTY_PAYLOAD_SHA256 =
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/** Header values as a Node server sees them: lower-cased names, repeated headers as arrays. */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/** Lower-case hex SHA-256 of a string (UTF-8) or bytes. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * RFC 3986 percent-encoding as SigV4 wants it: everything except `A-Z a-z 0-9 - _ . ~` is
 * encoded, with upper-case hex. `encodeURIComponent` leaves `!'()*` alone, so those are
 * encoded by hand.
 */
export function uriEscape(value: string): string {
  // encodeURIComponent throws on lone surrogates; UTF-8 encoders (and so clients) write
  // U+FFFD for them, and a verifier must not throw on input it did not choose.
  const wellFormed = value.replace(LONE_SURROGATE, "\uFFFD");
  return encodeURIComponent(wellFormed).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The canonical URI for every service except S3: the raw (already percent-encoded) path is
 * normalised (empty, `.` and `..` segments removed) and then encoded once more, keeping the
 * slashes. Clients sign the wire path this way, so it is encoded twice in the canonical form.
 */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  const leading = rawPath.startsWith("/") ? "/" : "";
  const trailing = segments.length > 0 && rawPath.endsWith("/") ? "/" : "";
  return uriEscape(`${leading}${segments.join("/")}${trailing}`).replace(/%2F/g, "/");
}

/** Percent-decoding that keeps the raw text when the escape is malformed (`%zz`). */
function decodeQueryComponent(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The parameters of a raw query string, decoded. `+` stays a plus sign: SDKs encode a space
 * as `%20`, and treating `+` as a space would make `%2B` and `+` sign differently.
 */
export function parseQuery(rawQuery: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? "" : part.slice(eq + 1);
    pairs.push([decodeQueryComponent(key), decodeQueryComponent(value)]);
  }
  return pairs;
}

/**
 * The canonical query string: each name and value re-encoded, sorted by encoded name and
 * then encoded value, joined with `&`. `X-Amz-Signature` is left out (presigned URLs carry
 * it, and a signature cannot sign itself).
 */
export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>): string {
  const encoded: Array<[string, string]> = [];
  for (const [key, value] of pairs) {
    if (key.toLowerCase() === "x-amz-signature") continue;
    encoded.push([uriEscape(key), uriEscape(value)]);
  }
  encoded.sort(([ka, va], [kb, vb]) =>
    ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0,
  );
  return encoded.map(([k, v]) => `${k}=${v}`).join("&");
}

/**
 * A header value in canonical form: line breaks become spaces, runs of spaces and tabs
 * fold into one, and the ends are trimmed. Repeated headers join with commas, as Node
 * would join them and as AWS specifies.
 */
export function canonicalHeaderValue(value: string | readonly string[]): string {
  const values = typeof value === "string" ? [value] : value;
  return values
    .map((v) =>
      v
        .replace(/[\r\n]/g, " ")
        .replace(/[ \t]+/g, " ")
        .trim(),
    )
    .join(",");
}

/** The pieces of a canonical request that differ between requests. */
export interface CanonicalRequestParts {
  method: string;
  rawPath: string;
  query: ReadonlyArray<readonly [string, string]>;
  headers: HeaderMap;
  /** Signed header names, lower-case, in the order the client listed them (sorted). */
  signedHeaders: readonly string[];
  payloadHash: string;
}

/**
 * The canonical request text. A signed header missing from the request contributes an
 * empty value, which then fails the signature comparison rather than being skipped.
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  const headerLines = parts.signedHeaders.map((name) => {
    const value = parts.headers[name];
    return `${name}:${value === undefined ? "" : canonicalHeaderValue(value)}`;
  });
  return [
    parts.method.toUpperCase(),
    canonicalPath(parts.rawPath),
    canonicalQuery(parts.query),
    ...headerLines,
    "",
    parts.signedHeaders.join(";"),
    parts.payloadHash,
  ].join("\n");
}

/** The string to sign: algorithm, request timestamp, credential scope, canonical request hash. */
export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
}
