/**
 * What the fleet's CLI verbs (nodes, activations, documents, commands) share: calling the
 * API with errors kept to one line, raw output reads, `K=V` arguments, query strings and
 * aligned tables.
 */
import { ApiCallError, type Connection, call } from "../api-client.js";
import { UsageError } from "../command.js";

/** Calls the API; an error's message is folded into one line (the CLI prints one per error). */
export async function fleetCall(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  try {
    return await call(connection, method, path, body);
  } catch (error) {
    if (error instanceof ApiCallError)
      throw new ApiCallError(error.status, error.code, oneLine(error.message));
    throw error;
  }
}

const oneLine = (text: string) => text.replace(/\s*\r?\n\s*/g, "; ").trim();

/** A slice of an invocation's output: its bytes, and the bytes the server holds in all. */
export interface OutputSlice {
  bytes: Uint8Array;
  size: number;
}

/** Reads raw output bytes (the output route answers bytes, not JSON). */
export async function fetchOutput(connection: Connection, path: string): Promise<OutputSlice> {
  // Without a token, the JSON client refuses with the message saying how to give one.
  if (!connection.token) return (await fleetCall(connection, "GET", path)) as never;
  let response: Response;
  try {
    response = await fetch(`${connection.endpoint}${path}`, {
      headers: { authorization: `Bearer ${connection.token}` },
    });
  } catch {
    // The JSON client says what to do when the server cannot be reached.
    return (await fleetCall(connection, "GET", path)) as never;
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (!response.ok) {
    const text = Buffer.from(bytes).toString("utf8");
    let error: { code?: string; message?: string } | undefined;
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error;
    } catch {
      // not JSON: the text is the message
    }
    throw new ApiCallError(
      response.status,
      error?.code ?? String(response.status),
      oneLine(error?.message ?? text),
    );
  }
  return { bytes, size: Number(response.headers.get("x-opsflow-output-size") ?? bytes.byteLength) };
}

/** `KEY=VALUE` split at the first `=`; `what` names the argument in the usage error. */
export function keyValue(text: string, what: string): { key: string; value: string } {
  const at = text.indexOf("=");
  if (at <= 0) throw new UsageError(`${what} must be KEY=VALUE, not '${text}'`);
  return { key: text.slice(0, at), value: text.slice(at + 1) };
}

/** A query string of the given members (undefined ones left out; arrays repeated). */
export function queryOf(members: Record<string, string | string[] | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(members))
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
      query.append(key, item);
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** Rows under a header, columns padded to their widest cell (the last one left ragged). */
export function table(header: string[], rows: string[][]): string {
  if (rows.length === 0) return "";
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Tags as `K=V,K=V`. */
export const tagsText = (tags: { Key: string; Value: string }[] | undefined) =>
  (tags ?? []).map((t) => `${t.Key}=${t.Value}`).join(",");
