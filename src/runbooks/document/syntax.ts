/**
 * Document text to a JSON value. JSON is tried first (it is also YAML, but JSON's errors are
 * the clearer ones for text that looks like JSON); YAML is read with the 1.2 core schema, so
 * `yes`/`no` stay strings, and duplicate keys are refused as SSM refuses them.
 */
import { parseDocument as parseYaml } from "yaml";
import { DocumentError } from "./errors.js";
import type { DocumentFormat, JsonValue } from "./types.js";

/** The parsed text and the format it was in. */
export interface DocumentSyntax {
  value: JsonValue;
  format: DocumentFormat;
}

/** Reads document text in `format`, or in whichever of JSON and YAML it is. */
export function readDocumentText(content: string, format?: DocumentFormat): DocumentSyntax {
  if (content.trim() === "")
    throw new DocumentError(
      "InvalidDocumentContent",
      "",
      "expected a JSON or YAML document, got empty text",
    );
  if (format === "JSON") return { value: readJson(content), format };
  if (format === "YAML") return { value: readYaml(content), format };
  try {
    return { value: JSON.parse(content) as JsonValue, format: "JSON" };
  } catch (jsonError) {
    // Text that opens like JSON was meant as JSON: its error is the useful one.
    if (/^\s*[{[]/.test(content)) throw jsonFailure(content, jsonError);
    return { value: readYaml(content), format: "YAML" };
  }
}

function readJson(content: string): JsonValue {
  try {
    return JSON.parse(content) as JsonValue;
  } catch (error) {
    throw jsonFailure(content, error);
  }
}

function jsonFailure(content: string, error: unknown): DocumentError {
  const reason = error instanceof Error ? error.message : String(error);
  const at = /position (\d+)/.exec(reason);
  return new DocumentError(
    "InvalidDocumentContent",
    "",
    `expected valid JSON: ${reason}`,
    at ? positionOf(content, Number(at[1])) : undefined,
  );
}

function readYaml(content: string): JsonValue {
  const document = parseYaml(content, { schema: "core", uniqueKeys: true, prettyErrors: true });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0];
    throw new DocumentError(
      "InvalidDocumentContent",
      "",
      `expected valid YAML: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
      position ? { line: position.line, column: position.col } : undefined,
    );
  }
  try {
    return document.toJS({ maxAliasCount: 100 }) as JsonValue;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new DocumentError("InvalidDocumentContent", "", `expected valid YAML: ${reason}`);
  }
}

/** 1-based line and column of a character offset. */
function positionOf(content: string, offset: number): { line: number; column: number } {
  const before = content.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
