/**
 * Helpers for the identity tests: REST calls with any bearer token or cookie, signed AWS JSON
 * calls with any access key (and any signing time), and users made through the API.
 */
import { request } from "node:http";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { rest } from "./harness.js";

/** A JSON answer. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read fields directly and assert on them.
  json: any;
}

/** One HTTP request on its own connection, failing after 5 s. */
export function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method, headers: { ...headers, connection: "close" }, timeout: 5_000 },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          let json: unknown;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A REST call with a bearer token (none when `token` is undefined). */
export function restAs(
  url: string,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(
    url,
    method,
    path,
    {
      ...(token !== undefined && { authorization: `Bearer ${token}` }),
      ...(body !== undefined && { "content-type": "application/json" }),
      ...headers,
    },
    body === undefined ? undefined : JSON.stringify(body),
  );
}

/** An access key pair. */
export interface KeyPair {
  accessKeyId: string;
  secretAccessKey: string;
}

const TARGETS = {
  states: { prefix: "AWSStepFunctions", version: "1.0" },
  events: { prefix: "AWSEvents", version: "1.1" },
  ssm: { prefix: "AmazonSSM", version: "1.1" },
} as const;

/** A signed AWS JSON call (`service` is the signing name), optionally signed at `date`. */
export async function awsAs(
  url: string,
  key: KeyPair,
  service: keyof typeof TARGETS,
  operation: string,
  body: unknown = {},
  date?: Date,
): Promise<Answer> {
  const { host, hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  const target = TARGETS[service];
  const signer = new SignatureV4({
    service,
    region: "us-east-1",
    sha256: Sha256,
    credentials: key,
  });
  const signed = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname,
      port: Number(port),
      path: "/",
      headers: {
        host,
        "content-type": `application/x-amz-json-${target.version}`,
        "x-amz-target": `${target.prefix}.${operation}`,
      },
      body: text,
    },
    date ? { signingDate: date } : {},
  );
  return send(url, "POST", "/", signed.headers as Record<string, string>, text);
}

/** A user with a role, an API token and an access key, made by the admin through the API. */
export async function makeUser(
  url: string,
  name: string,
  roles: string[],
  password?: string,
): Promise<{ name: string; token: string; key: KeyPair }> {
  const created = await rest(url, "POST", "/v1/users", { name, ...(password && { password }) });
  if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.body)}`);
  for (const role of roles) {
    const granted = await rest(url, "PUT", `/v1/users/${name}/roles/${role}`);
    if (granted.status !== 204) throw new Error(`grant ${role}: ${JSON.stringify(granted.body)}`);
  }
  const token = await rest(url, "POST", `/v1/users/${name}/tokens`, {});
  const key = await rest(url, "POST", `/v1/users/${name}/access-keys`);
  if (token.status !== 201 || key.status !== 201) throw new Error(`credentials of ${name}`);
  return {
    name,
    token: token.body.token,
    key: { accessKeyId: key.body.accessKeyId, secretAccessKey: key.body.secretAccessKey },
  };
}
