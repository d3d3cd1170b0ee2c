/**
 * Turns a response into the HTTP Task's result — `{ Headers, ResponseBody, StatusCode,
 * StatusText }`, header values as arrays, JSON bodies parsed — or into the
 * `States.Http.StatusCode.<code>` failure whose cause is that same result as JSON.
 */
import { STATUS_CODES } from "node:http";
import type { Json, JsonObject } from "../../asl/json.js";
import { TaskFailure } from "../../runtime/task-dispatcher.js";
import {
  DATA_LIMIT_ERROR,
  MAX_BODY_BYTES,
  runtimeFailure,
  STATUS_CODE_ERROR_PREFIX,
} from "./errors.js";

/** Media types AWS does not return as a body: binary content cannot be a JSON string. */
export function isUnsupportedContentType(mediaType: string): boolean {
  return (
    mediaType === "application/octet-stream" ||
    mediaType.startsWith("image/") ||
    mediaType.startsWith("audio/") ||
    mediaType.startsWith("video/")
  );
}

/** Reads the response (bounded) and gives the task's result; throws for non-2xx. */
export async function readResult(response: Response): Promise<JsonObject> {
  const contentType = response.headers.get("content-type") ?? "";
  const mediaType = contentType.split(";")[0].trim().toLowerCase();
  const hasBody = response.body !== null;
  if (hasBody && isUnsupportedContentType(mediaType)) {
    await response.body?.cancel();
    throw runtimeFailure(
      `The response's Content-Type '${mediaType}' is not supported by the HTTP Task (binary content).`,
    );
  }
  const text = hasBody ? await readText(response) : "";
  const result: JsonObject = {
    Headers: headersOf(response.headers),
    ResponseBody: parseBody(text, mediaType),
    StatusCode: response.status,
    StatusText: response.statusText || STATUS_CODES[response.status] || "",
  };
  if (response.status < 200 || response.status > 299)
    throw new TaskFailure(`${STATUS_CODE_ERROR_PREFIX}${response.status}`, JSON.stringify(result));
  return result;
}

/** Header values as arrays of strings; `set-cookie` keeps one entry per cookie. */
function headersOf(headers: Headers): JsonObject {
  const out: JsonObject = {};
  headers.forEach((value, name) => {
    if (name !== "set-cookie") out[name] = [value];
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out["set-cookie"] = cookies;
  return out;
}

/** JSON bodies (`application/json`, `*+json`) are parsed; anything else stays a string. */
function parseBody(text: string, mediaType: string): Json {
  const isJson = mediaType === "application/json" || mediaType.endsWith("+json");
  if (!isJson || text.trim() === "") return text;
  try {
    return JSON.parse(text) as Json;
  } catch {
    // A server that mislabels text as JSON still gets its body through, unparsed.
    return text;
  }
}

/** The body as UTF-8, failing as soon as it passes the payload quota. */
async function readText(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new TaskFailure(
        DATA_LIMIT_ERROR,
        `The response body exceeds the HTTP Task's limit of ${MAX_BODY_BYTES} bytes.`,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
