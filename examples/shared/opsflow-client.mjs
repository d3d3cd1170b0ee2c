/**
 * A minimal client of opsflow's native REST API for functions: the server's URL and a bearer
 * token come from the function's environment (OPSFLOW_ENDPOINT, OPSFLOW_TOKEN), set when the
 * function is deployed. Any answer other than 2xx throws a ClientError, so a workflow sees the
 * error name `ClientError`, as it would for botocore's exception in the original functions.
 */

/** An API call the server refused or could not answer; `code` is the API's error code. */
export class ClientError extends Error {
  /**
   * @param {string} operation e.g. "GET /v1/access-keys/AKIA..."
   * @param {number} status the HTTP status (0 when the server could not be reached)
   * @param {string} code the API's error code, e.g. "ResourceNotFound"
   * @param {string} message the API's message
   */
  constructor(operation, status, code, message) {
    super(`An error occurred (${code}) when calling ${operation}: ${message}`);
    this.name = "ClientError";
    this.operation = operation;
    this.status = status;
    this.code = code;
  }
}

/** A missing or malformed deployment setting: a bug of the deployment, not of the API. */
export class ConfigurationError extends Error {
  constructor(message) {
    super(message);
    this.name = "ConfigurationError";
  }
}

function setting(name) {
  const value = process.env[name];
  if (!value) throw new ConfigurationError(`The function's environment lacks ${name}.`);
  return value;
}

/**
 * Calls the API; returns the parsed JSON answer (undefined for 204).
 * @param {string} method
 * @param {string} path starting with /v1/
 * @param {unknown} [body]
 */
export async function api(method, path, body) {
  const endpoint = setting("OPSFLOW_ENDPOINT").replace(/\/+$/, "");
  const operation = `${method} ${path.split("?")[0]}`;
  let response;
  try {
    response = await fetch(`${endpoint}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${setting("OPSFLOW_TOKEN")}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ClientError(operation, 0, "EndpointUnreachable", String(error?.message ?? error));
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok)
    throw new ClientError(
      operation,
      response.status,
      parsed?.error?.code ?? `HTTP${response.status}`,
      parsed?.error?.message ?? text.slice(0, 200),
    );
  return parsed;
}
