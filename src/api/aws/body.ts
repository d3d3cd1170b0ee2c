/**
 * Request bodies of the AWS JSON protocols: a JSON object of the operation's input shape.
 * An empty body means `{}` (some clients send nothing for input-less operations); anything
 * that is not a JSON object is a `SerializationException`, as AWS answers.
 */
import { type AwsError, commonError } from "./errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Parses a request body into the operation input, or the error AWS would return. */
export function parseAwsJsonBody(body: Uint8Array | string): Record<string, unknown> | AwsError {
  let text: string;
  try {
    text = typeof body === "string" ? body : utf8.decode(body);
  } catch {
    return commonError("SerializationException", "The request body is not valid UTF-8.");
  }
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    return commonError("SerializationException", `The request body is not valid JSON${detail}`);
  }
  if (Array.isArray(value)) {
    return commonError("SerializationException", "Start of list found where not expected");
  }
  if (value === null || typeof value !== "object") {
    return commonError(
      "SerializationException",
      `Expected a JSON object as the request body, got ${value === null ? "null" : typeof value}.`,
    );
  }
  return value as Record<string, unknown>;
}
