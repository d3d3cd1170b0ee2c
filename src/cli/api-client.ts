/**
 * The CLI's client of the native REST API: endpoint and token from flags or environment,
 * errors turned into messages that say what to do.
 */
import { ExitCode, type Io } from "./command.js";

/** Where the server is and who we are. */
export interface Connection {
  endpoint: string;
  token: string | undefined;
}

/** An API answer that is not a success. */
export class ApiCallError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiCallError";
  }
}

/** The connection options every API verb accepts. */
export const connectionOptions = {
  endpoint: { type: "string" as const },
  token: { type: "string" as const },
  json: { type: "boolean" as const, default: false },
};

export const connectionHelp = `  --endpoint URL   the server [OPSFLOW_ENDPOINT] (http://127.0.0.1:8080)
  --token TOKEN    a bearer API token [OPSFLOW_TOKEN]
  --json           print the API's JSON answer
`;

/** The connection from flags, falling back to the environment. */
export function connectionFrom(values: { endpoint?: string; token?: string }): Connection {
  return {
    endpoint: (values.endpoint ?? process.env.OPSFLOW_ENDPOINT ?? "http://127.0.0.1:8080").replace(
      /\/$/,
      "",
    ),
    token: values.token ?? process.env.OPSFLOW_TOKEN,
  };
}

/** Calls the API; throws ApiCallError for error answers. */
export async function call(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  if (!connection.token)
    throw new ApiCallError(
      401,
      "Unauthorized",
      "No API token: pass --token or set OPSFLOW_TOKEN (the admin token is printed at the server's first start).",
    );
  let response: Response;
  try {
    response = await fetch(`${connection.endpoint}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiCallError(
      0,
      "Unreachable",
      `Cannot reach ${connection.endpoint} (${(error as Error).cause ?? (error as Error).message}). Is 'opsflow server' running? Pass --endpoint or set OPSFLOW_ENDPOINT.`,
    );
  }
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (parsed as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiCallError(
      response.status,
      error?.code ?? String(response.status),
      error?.message ?? text,
    );
  }
  return parsed;
}

/** Runs an API verb: prints the result (JSON or human) and maps failures to exit codes. */
export async function runVerb(
  io: Io,
  json: boolean,
  work: () => Promise<{ result: unknown; human: string }>,
): Promise<number> {
  try {
    const { result, human } = await work();
    io.stdout(
      json
        ? `${JSON.stringify(result ?? {}, null, 2)}\n`
        : human.endsWith("\n") || human === ""
          ? human
          : `${human}\n`,
    );
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof ApiCallError)) throw error;
    if (json)
      io.stdout(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    io.stderr(`opsflow: ${error.code}: ${error.message}\n`);
    return error.status === 400 || error.status === 413 ? ExitCode.Invalid : ExitCode.Failed;
  }
}
