/**
 * One HTTP(S) exchange with the server, on node:http/node:https (no dependencies, small
 * memory). `--ca` adds a CA for servers with a self-signed certificate. Network failures
 * become `AgentError` values; any HTTP status is returned for the caller to judge.
 */
import http from "node:http";
import https from "node:https";
import { AgentError } from "./errors.js";

/** A response: its status and body bytes. */
export interface TransportResponse {
  status: number;
  body: Buffer;
}

/** What a request sends. */
export interface TransportRequest {
  method: string;
  /** Path and query under the endpoint's origin, e.g. `/agent/v1/poll`. */
  pathAndQuery: string;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Give up after this long without an answer, ms. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Largest response body accepted (a poll answer with its scripts is far smaller). */
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Sends requests to one server. */
export class HttpTransport {
  private readonly origin: URL;
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  /** `endpoint` is the server's URL (http:// or https://); `ca` PEM text, added to the defaults. */
  constructor(endpoint: string, ca?: string) {
    this.origin = new URL(endpoint);
    this.secure = this.origin.protocol === "https:";
    if (!this.secure && this.origin.protocol !== "http:")
      throw new AgentError("Rejected", `the endpoint must be http:// or https://, not ${endpoint}`);
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, maxSockets: 8, ...(ca && { ca: [ca] }) })
      : new http.Agent({ keepAlive: true, maxSockets: 8 });
  }

  /** The path the endpoint's base path puts in front of `path` (signatures cover the full path). */
  fullPath(path: string): string {
    const base = this.origin.pathname.replace(/\/+$/, "");
    return `${base}${path}`;
  }

  /** Sends one request. @throws AgentError `Unreachable` when no answer came. */
  send(request: TransportRequest): Promise<TransportResponse> {
    const client = this.secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(
        {
          protocol: this.origin.protocol,
          hostname: this.origin.hostname.replace(/^\[|\]$/g, ""),
          port: this.origin.port || undefined,
          method: request.method,
          path: request.pathAndQuery,
          agent: this.agent,
          headers: { ...request.headers, "content-length": String(request.body.byteLength) },
          timeout: request.timeoutMs,
          ...(request.signal && { signal: request.signal }),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              req.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }),
          );
          res.on("error", (error) => reject(unreachable(error)));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer in ${request.timeoutMs} ms`)));
      req.on("error", (error) => reject(unreachable(error)));
      req.end(request.body);
    });
  }

  /** Closes idle connections. */
  close(): void {
    this.agent.destroy();
  }
}

function unreachable(error: Error): AgentError {
  const code = (error as { code?: string }).code;
  return new AgentError("Unreachable", code ? `${code}: ${error.message}` : error.message);
}
