import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseRateLimit } from "../../auth/rate-limit.js";
import { startServer } from "../../server/compose.js";
import { MasterKeyMismatchError } from "../../server/credentials.js";
import { DataDirectoryInUseError } from "../../server/node-identity.js";
import { DatabaseUrlError } from "../../server/store.js";
import { DatabaseUnavailableError, SchemaTooNewError } from "../../store/postgres/database.js";
import { DatabaseInUseError } from "../../store/sqlite/database.js";
import { type Command, UsageError } from "../command.js";
import { oidcSettingsFromEnv } from "../oidc-env.js";

/** `opsflow server`: the durable server on its embedded SQLite store, or on PostgreSQL. */
export const serverCommand: Command = {
  summary: "Start the opsflow server (SQLite in --data-dir; nothing else to install)",
  usage: `Usage: opsflow server [--data-dir DIR] [--port N] [--host ADDR]

Starts the durable engine, the native REST API (/v1, OpenAPI at /openapi.json) and the
AWS-compatible endpoint (aws stepfunctions --endpoint-url http://HOST:PORT) on one port.
On first start it creates admin credentials and prints them once (or takes them from
OPSFLOW_ADMIN_ACCESS_KEY_ID / OPSFLOW_ADMIN_SECRET_ACCESS_KEY / OPSFLOW_ADMIN_TOKEN).

Options (environment variable in brackets):
  --data-dir DIR        where functions, the master key and the SQLite database live [OPSFLOW_DATA_DIR] (.data)
  --database URL        postgres://USER:PASSWORD@HOST:PORT/DB instead of SQLite: every node
                        given the same database (and master key) shares all state [OPSFLOW_DATABASE_URL]
  --port N              [OPSFLOW_PORT] (8080; 0 picks a free port)
  --host ADDR           address to listen on [OPSFLOW_HOST] (127.0.0.1)
  --region NAME         region in ARNs [OPSFLOW_REGION] (us-east-1)
  --account ID          12-digit account in ARNs [OPSFLOW_ACCOUNT] (000000000000)
  --payload-limit BYTES largest state payload [OPSFLOW_PAYLOAD_LIMIT] (262144, AWS's)
  --synchronous MODE    FULL (default: every commit fsynced) or NORMAL [OPSFLOW_SQLITE_SYNCHRONOUS]
  --tls-cert FILE       serve HTTPS with this certificate chain (PEM) [OPSFLOW_TLS_CERT]
  --tls-key FILE        and this private key (PEM) [OPSFLOW_TLS_KEY]
  -h, --help            show this help

Managed nodes: each output stream of a command invocation is kept up to
OPSFLOW_COMMAND_OUTPUT_LIMIT bytes (8388608, 8 MiB); more is dropped and the invocation
marked truncated.

Console sessions last OPSFLOW_SESSION_TTL_SECONDS (28800, 8 hours).
A node's claim on an execution lasts OPSFLOW_LEASE_SECONDS (30): when a node dies, the
others on its database take its executions over once its claims run out.
Accepted events are kept OPSFLOW_EVENT_RETENTION_SECONDS (86400, a day) after they arrive,
and longer while a delivery is pending or a dead letter holds them.
Requests per credential: OPSFLOW_RATE_LIMIT as RPS/BURST (1000/2000) or off.
The master key that encrypts secrets is OPSFLOW_MASTER_KEY (base64, 32 bytes) or
DIR/master.key, created with mode 0600 at first start.

Notifications and approvals: OPSFLOW_SMTP_URL (smtp://user:pass@host:port or smtps://...)
sends email, from OPSFLOW_SMTP_FROM; links in emails start with OPSFLOW_PUBLIC_URL (default:
the server's own URL).

Console sign-in through OpenID Connect (authorization code + PKCE): OPSFLOW_OIDC_ISSUER,
OPSFLOW_OIDC_CLIENT_ID, OPSFLOW_OIDC_CLIENT_SECRET (confidential clients),
OPSFLOW_OIDC_GROUP_MAP (provider-group=opsflow-group,...), OPSFLOW_OIDC_GROUPS_CLAIM
(groups), OPSFLOW_OIDC_USER_CLAIM (preferred_username, else email, else sub),
OPSFLOW_OIDC_SCOPES ("openid profile email groups"). Register
OPSFLOW_PUBLIC_URL/v1/auth/oidc/callback as the redirect URI at the provider.
`,
  async run(args, io) {
    const env = process.env;
    const { values } = parseArgs({
      args,
      options: {
        "data-dir": { type: "string", default: env.OPSFLOW_DATA_DIR ?? ".data" },
        database: { type: "string", default: env.OPSFLOW_DATABASE_URL ?? "" },
        port: { type: "string", default: env.OPSFLOW_PORT ?? "8080" },
        host: { type: "string", default: env.OPSFLOW_HOST ?? "127.0.0.1" },
        region: { type: "string", default: env.OPSFLOW_REGION ?? "us-east-1" },
        account: { type: "string", default: env.OPSFLOW_ACCOUNT ?? "000000000000" },
        "payload-limit": { type: "string", default: env.OPSFLOW_PAYLOAD_LIMIT ?? "262144" },
        synchronous: { type: "string", default: env.OPSFLOW_SQLITE_SYNCHRONOUS ?? "FULL" },
        "tls-cert": { type: "string", default: env.OPSFLOW_TLS_CERT ?? "" },
        "tls-key": { type: "string", default: env.OPSFLOW_TLS_KEY ?? "" },
      },
    });
    const port = Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be 0–65535, not '${values.port}'`);
    if (!/^\d{12}$/.test(values.account ?? "")) throw new UsageError("--account must be 12 digits");
    const limit = Number(values["payload-limit"]);
    if (!Number.isInteger(limit) || limit < 1024)
      throw new UsageError("--payload-limit must be a whole number of bytes ≥ 1024");
    const synchronous = values.synchronous?.toUpperCase();
    if (synchronous !== "FULL" && synchronous !== "NORMAL")
      throw new UsageError("--synchronous must be FULL or NORMAL");
    const retention = env.OPSFLOW_EVENT_RETENTION_SECONDS;
    if (retention !== undefined && !/^\d+$/.test(retention))
      throw new UsageError(
        `OPSFLOW_EVENT_RETENTION_SECONDS must be a whole number of seconds ≥ 0, not '${retention}'`,
      );
    // Not in the help: crash tests use it to stop the server between a status change and the
    // publication of its event.
    const statusDelay = env.OPSFLOW_STATUS_EVENT_DELAY_MS;
    if (statusDelay !== undefined && !/^\d+$/.test(statusDelay))
      throw new UsageError(
        `OPSFLOW_STATUS_EVENT_DELAY_MS must be a whole number of milliseconds, not '${statusDelay}'`,
      );
    const lease = env.OPSFLOW_LEASE_SECONDS;
    if (lease !== undefined && !/^[1-9]\d*$/.test(lease))
      throw new UsageError(
        `OPSFLOW_LEASE_SECONDS must be a whole number of seconds ≥ 1, not '${lease}'`,
      );
    const outputLimit = env.OPSFLOW_COMMAND_OUTPUT_LIMIT;
    if (outputLimit !== undefined && !/^[1-9]\d*$/.test(outputLimit))
      throw new UsageError(
        `OPSFLOW_COMMAND_OUTPUT_LIMIT must be a whole number of bytes ≥ 1, not '${outputLimit}'`,
      );
    if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"]))
      throw new UsageError("--tls-cert and --tls-key go together: give both or neither");
    const tls =
      values["tls-cert"] && values["tls-key"]
        ? readTls(values["tls-cert"], values["tls-key"])
        : undefined;
    const oidc = oidcSettingsFromEnv(env);
    const rateLimit =
      env.OPSFLOW_RATE_LIMIT === undefined ? undefined : parseRateLimit(env.OPSFLOW_RATE_LIMIT);
    if (rateLimit === undefined && env.OPSFLOW_RATE_LIMIT !== undefined)
      throw new UsageError("OPSFLOW_RATE_LIMIT must be RPS, RPS/BURST or off");
    const server = await startOrExplain({
      dataDir: resolve(values["data-dir"] ?? ".data"),
      ...(values.database && { database: values.database }),
      ...(lease !== undefined && { leaseMs: Number(lease) * 1000 }),
      port,
      host: values.host ?? "127.0.0.1",
      region: values.region ?? "us-east-1",
      account: values.account ?? "000000000000",
      payloadLimitBytes: limit,
      synchronous,
      ...(env.OPSFLOW_MASTER_KEY && { masterKey: env.OPSFLOW_MASTER_KEY }),
      admin: {
        ...(env.OPSFLOW_ADMIN_ACCESS_KEY_ID && { accessKeyId: env.OPSFLOW_ADMIN_ACCESS_KEY_ID }),
        ...(env.OPSFLOW_ADMIN_SECRET_ACCESS_KEY && {
          secretAccessKey: env.OPSFLOW_ADMIN_SECRET_ACCESS_KEY,
        }),
        ...(env.OPSFLOW_ADMIN_TOKEN && { apiToken: env.OPSFLOW_ADMIN_TOKEN }),
      },
      ...(Number(env.OPSFLOW_SESSION_TTL_SECONDS) > 0 && {
        sessionTtlMs: Number(env.OPSFLOW_SESSION_TTL_SECONDS) * 1000,
      }),
      ...(oidc && { oidc }),
      ...(retention !== undefined && { eventRetentionMs: Number(retention) * 1000 }),
      ...(statusDelay !== undefined && { statusEventDelayMs: Number(statusDelay) }),
      ...(rateLimit !== undefined && { rateLimit }),
      ...(outputLimit !== undefined && { commandOutputLimitBytes: Number(outputLimit) }),
      ...(tls && { tls }),
      print: (line) => io.stdout(`${line}\n`),
      ops: {
        mail: {
          ...(env.OPSFLOW_SMTP_URL && { smtpUrl: env.OPSFLOW_SMTP_URL }),
          ...(env.OPSFLOW_SMTP_FROM && { from: env.OPSFLOW_SMTP_FROM }),
        },
        ...(env.OPSFLOW_PUBLIC_URL && { publicUrl: env.OPSFLOW_PUBLIC_URL }),
      },
    });
    // The ready time lets operators (and restart tests) tell start-up time from lateness.
    io.stdout(
      `opsflow listening on ${server.url} (data in ${values.database ? "PostgreSQL" : resolve(values["data-dir"] ?? ".data")}), ready at ${new Date().toISOString()}\n`,
    );
    await new Promise<void>((done) => {
      const stop = () => {
        io.stderr("opsflow: shutting down\n");
        server.close().then(done, done);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return 0;
  },
};

/**
 * Starts the server; a database that cannot be used is a usage problem the operator can fix,
 * said in one line without a stack trace.
 */
async function startOrExplain(config: Parameters<typeof startServer>[0]) {
  try {
    return await startServer(config);
  } catch (error) {
    if (
      error instanceof DatabaseUrlError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof SchemaTooNewError ||
      error instanceof DatabaseInUseError ||
      error instanceof MasterKeyMismatchError ||
      error instanceof DataDirectoryInUseError
    )
      throw new UsageError(error.message);
    throw error;
  }
}

/** The certificate and key files, read now so a wrong path fails before anything starts. */
function readTls(certFile: string, keyFile: string): { cert: Buffer; key: Buffer } {
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new UsageError(`${flag} ${file}: ${(error as Error).message}`);
    }
  };
  return { cert: read(certFile, "--tls-cert"), key: read(keyFile, "--tls-key") };
}
