/**
 * Turning parameter values into their declared types: the strings a caller sends
 * (SendCommand's `map<string, list<string>>`) and the defaults a document declares.
 */

import { isObject } from "./checks.js";
import { InvalidParametersError } from "./errors.js";
import type { JsonObject, JsonValue, ParameterType, ParameterValue } from "./types.js";

const INTEGER = /^-?\d+$/;

/** The caller's strings for `name` as a value of `type`. */
export function valueFromStrings(
  name: string,
  type: ParameterType,
  given: readonly string[],
): ParameterValue {
  if (type === "StringList") return [...given];
  if (type === "MapList") {
    const items =
      given.length === 1 && given[0].trim().startsWith("[")
        ? parsedJson(name, given[0])
        : given.map((g) => parsedJson(name, g));
    if (!Array.isArray(items) || !items.every(isObject))
      throw new InvalidParametersError(
        name,
        `Parameter "${name}" is a MapList: give JSON objects (or one JSON array of objects)`,
      );
    return items;
  }
  if (given.length !== 1)
    throw new InvalidParametersError(
      name,
      `Parameter "${name}" is a ${type} and takes exactly one value, got ${given.length}`,
    );
  const [text] = given;
  switch (type) {
    case "String":
      return text;
    case "Integer":
      if (!INTEGER.test(text.trim()) || !Number.isSafeInteger(Number(text)))
        throw new InvalidParametersError(name, `Parameter "${name}" is an Integer: got "${text}"`);
      return Number(text);
    case "Boolean":
      if (text !== "true" && text !== "false")
        throw new InvalidParametersError(
          name,
          `Parameter "${name}" is a Boolean: give "true" or "false", got "${text}"`,
        );
      return text === "true";
    case "StringMap": {
      const map = parsedJson(name, text);
      if (!isObject(map))
        throw new InvalidParametersError(
          name,
          `Parameter "${name}" is a StringMap: give a JSON object`,
        );
      return map;
    }
  }
}

/** A declared default as a value of `type`, or undefined when it is not one. */
export function valueFromDefault(
  type: ParameterType,
  value: JsonValue,
): ParameterValue | undefined {
  switch (type) {
    case "String":
      // YAML writes `default: 3600` for a String without quotes; SSM takes it as "3600".
      return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : undefined;
    case "StringList":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? (value as string[])
        : undefined;
    case "Integer":
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      return typeof value === "string" && INTEGER.test(value) ? Number(value) : undefined;
    case "Boolean":
      if (typeof value === "boolean") return value;
      return value === "true" || value === "false" ? value === "true" : undefined;
    case "StringMap":
      return isObject(value) ? value : undefined;
    case "MapList":
      return Array.isArray(value) && value.every(isObject) ? (value as JsonObject[]) : undefined;
  }
}

function parsedJson(name: string, text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new InvalidParametersError(name, `Parameter "${name}" must be JSON: got "${text}"`);
  }
}
