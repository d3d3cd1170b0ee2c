/**
 * Test helpers: sign requests with the official `@smithy/signature-v4` signer and turn the
 * result into the wire form our verifier receives.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { createSigV4Verifier, type SigV4Request } from "../../src/auth/sigv4.js";

export const AKID = "AKIAIOSFODNN7EXAMPLE";
export const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const SIGNED_AT = new Date("2024-05-06T07:08:09Z");

/** A request to sign, in the shape smithy takes (decoded query, raw wire path). */
export interface PlainRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** Options of {@link sign}. */
export interface SignOptions {
  date?: Date;
  region?: string;
  service?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

function signer(o: SignOptions): SignatureV4 {
  return new SignatureV4({
    service: o.service ?? "states",
    region: o.region ?? "us-east-1",
    sha256: Sha256,
    credentials: {
      accessKeyId: o.accessKeyId ?? AKID,
      secretAccessKey: o.secretAccessKey ?? SECRET,
      ...(o.sessionToken ? { sessionToken: o.sessionToken } : {}),
    },
  });
}

/** The query string the SDK's HTTP handler would put on the wire. */
export function wireQuery(query: Record<string, string | string[] | null>): string {
  const esc = (s: string) =>
    encodeURIComponent(s).replace(
      /[!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (value === null || value === undefined) parts.push(esc(key));
    else if (Array.isArray(value)) for (const v of value) parts.push(`${esc(key)}=${esc(v)}`);
    else parts.push(`${esc(key)}=${esc(value)}`);
  }
  return parts.join("&");
}

function toWire(
  r: { method: string; path: string; query?: Record<string, string | string[] | null> },
  headers: Record<string, string>,
  body: string | Uint8Array,
): SigV4Request {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { method: r.method, path: r.path, query: wireQuery(r.query ?? {}), headers: lower, body };
}

/** Signs with the Authorization header, as every SDK call does. */
export async function sign(req: PlainRequest, o: SignOptions = {}): Promise<SigV4Request> {
  const headers = { host: "127.0.0.1:8080", ...(req.headers ?? {}) };
  const body = req.body ?? "";
  const signed = await signer(o).sign(
    {
      method: req.method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 8080,
      path: req.path,
      query: req.query ?? {},
      headers,
      body: req.body,
    },
    { signingDate: o.date ?? SIGNED_AT },
  );
  return toWire(
    { ...req, query: signed.query as Record<string, string> },
    signed.headers as Record<string, string>,
    body,
  );
}

/** Signs into the query string (a presigned URL). */
export async function presign(
  req: PlainRequest,
  expiresIn: number,
  o: SignOptions = {},
): Promise<SigV4Request> {
  const headers = { host: "127.0.0.1:8080", ...(req.headers ?? {}) };
  const signed = await signer(o).presign(
    {
      method: req.method,
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 8080,
      path: req.path,
      query: req.query ?? {},
      headers,
      body: req.body,
    },
    { signingDate: o.date ?? SIGNED_AT, expiresIn },
  );
  return toWire(
    { ...req, query: signed.query as Record<string, string> },
    signed.headers as Record<string, string>,
    req.body ?? "",
  );
}

/** A verifier over one known key, with the clock at `now`. */
export function verifierAt(
  now: Date,
  extra: Partial<Parameters<typeof createSigV4Verifier>[0]> = {},
) {
  return createSigV4Verifier({
    lookup: async (id: string) =>
      id === AKID ? { secretAccessKey: SECRET, userId: "u-1", role: "admin" } : undefined,
    now: () => now,
    services: ["states", "events", "ssm"],
    ...extra,
  });
}
