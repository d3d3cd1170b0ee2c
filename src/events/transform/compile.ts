/**
 * compileTargetInput: a target's Input / InputPath / InputTransformer validated once (at
 * PutTargets time) and turned into a function from (event, rule) to the payload text the
 * target receives.
 *
 * Limits (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_Target.html and
 * API_InputTransformer.html): Input ≤ 8192 characters of valid JSON text; InputPath ≤ 256;
 * InputTemplate 1-8192 characters; InputPathsMap ≤ 100 entries, keys 1-256 characters of
 * `[A-Za-z0-9_-]`, not starting with "AWS.", not a predefined variable; values JSONPath ≤ 256.
 * Without any of the three the target receives the whole event.
 */
import type { Json } from "../../asl/json.js";
import { InvalidTargetInputError } from "./errors.js";
import { compileEventPath, type EventPath } from "./paths.js";
import {
  isPredefined,
  JSON_ONLY_VARIABLES,
  type PredefinedVariable,
  predefinedValue,
  type RuleInfo,
} from "./predefined.js";
import { renderValue } from "./render.js";
import { type PlaceholderContext, scanTemplate } from "./template.js";

/** The input settings of a target, as PutTargets receives them. */
export interface TargetInputConfig {
  /** Target Id, quoted in AWS's messages. */
  readonly Id?: string;
  readonly Input?: string;
  readonly InputPath?: string;
  readonly InputTransformer?: {
    readonly InputPathsMap?: Readonly<Record<string, string>>;
    readonly InputTemplate: string;
  };
}

/** Produces the payload text a target receives for one matched event. */
export type CompiledTargetInput = (event: Json, rule: RuleInfo) => string;

export const MAX_INPUT_LENGTH = 8192;
export const MAX_TEMPLATE_LENGTH = 8192;
export const MAX_INPUT_PATHS = 100;
const KEY_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/**
 * Validates a target's input settings and compiles them. Throws InvalidTargetInputError with
 * a JSON Pointer (and template offset) locating the problem.
 */
export function compileTargetInput(target: TargetInputConfig): CompiledTargetInput {
  const id = target.Id ?? "";
  const given = [target.Input, target.InputPath, target.InputTransformer].filter(
    (x) => x !== undefined && x !== null,
  );
  if (given.length > 1) {
    throw new InvalidTargetInputError(
      `Only one of Input, InputPath, or InputTransformer must be provided for target ${id}.`,
      { pointer: "" },
    );
  }
  if (target.Input !== undefined && target.Input !== null) return compileConstant(target.Input);
  if (target.InputPath !== undefined && target.InputPath !== null) {
    const path = compileEventPath(target.InputPath, "/InputPath");
    // A path that matches nothing is delivered as JSON null (AWS's behaviour is not documented).
    return (event) => JSON.stringify(path.select(event) ?? null);
  }
  if (target.InputTransformer !== undefined && target.InputTransformer !== null) {
    return compileTransformer(id, target.InputTransformer);
  }
  return (event) => JSON.stringify(event);
}

function compileConstant(input: unknown): CompiledTargetInput {
  const pointer = { pointer: "/Input" };
  if (typeof input !== "string") {
    throw new InvalidTargetInputError("Input must be a string of JSON text.", pointer);
  }
  if (input.length > MAX_INPUT_LENGTH) {
    throw new InvalidTargetInputError(
      `Input is longer than ${MAX_INPUT_LENGTH} characters.`,
      pointer,
    );
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new InvalidTargetInputError(
      `Input is not valid JSON text: ${(error as Error).message}`,
      pointer,
    );
  }
  return () => input;
}

/** How one placeholder gets its value. */
type Resolver = (event: Json, rule: RuleInfo) => Json | undefined;

function compileTransformer(
  id: string,
  transformer: NonNullable<TargetInputConfig["InputTransformer"]>,
): CompiledTargetInput {
  const template = transformer.InputTemplate;
  const templatePointer = "/InputTransformer/InputTemplate";
  if (typeof template !== "string" || template.length === 0) {
    throw new InvalidTargetInputError(
      `InputTemplate for target ${id} must be a non-empty string.`,
      { pointer: templatePointer },
    );
  }
  if (template.length > MAX_TEMPLATE_LENGTH) {
    throw new InvalidTargetInputError(
      `InputTemplate for target ${id} is longer than ${MAX_TEMPLATE_LENGTH} characters.`,
      { pointer: templatePointer },
    );
  }
  const paths = compilePathsMap(id, transformer.InputPathsMap ?? {});
  const scanned = scanTemplate(template);

  // Each part becomes a renderer; placeholders are checked here, once.
  const pieces: Array<string | { resolve: Resolver; context: PlaceholderContext }> = [];
  for (const part of scanned.parts) {
    if (part.kind === "text") {
      pieces.push(part.text);
      continue;
    }
    const location = { pointer: templatePointer, offset: part.offset };
    const { name } = part;
    let resolve: Resolver;
    if (paths.has(name)) {
      const path = paths.get(name)!;
      resolve = (event) => path.select(event);
    } else if (isPredefined(name)) {
      const predefined: PredefinedVariable = name;
      resolve = (event, rule) => predefinedValue(predefined, event, rule);
    } else {
      throw new InvalidTargetInputError(
        `InputTemplate for target ${id} contains invalid placeholder ${name}.`,
        location,
      );
    }
    if (part.isKey) {
      throw new InvalidTargetInputError(
        `InputTemplate for target ${id} uses placeholder ${name} as an object key; placeholders cannot be used as object keys.`,
        location,
      );
    }
    if (JSON_ONLY_VARIABLES.has(name) && part.context !== "value") {
      throw new InvalidTargetInputError(
        `InputTemplate for target ${id} uses ${name} inside a string; it can only be used as the value of a JSON field.`,
        location,
      );
    }
    pieces.push({ resolve, context: part.context });
  }

  if (scanned.json) checkJsonShape(id, pieces, templatePointer);

  return (event, rule) => {
    let out = "";
    for (const piece of pieces) {
      out +=
        typeof piece === "string" ? piece : renderValue(piece.resolve(event, rule), piece.context);
    }
    return out;
  };
}

/**
 * A JSON template must be valid JSON whatever the values: every value-position placeholder is
 * replaced by `null` and every in-string one by nothing, and the result must parse.
 */
function checkJsonShape(
  id: string,
  pieces: ReadonlyArray<string | { context: PlaceholderContext }>,
  pointer: string,
): void {
  const probe = pieces
    .map((piece) => (typeof piece === "string" ? piece : piece.context === "value" ? "null" : ""))
    .join("");
  try {
    JSON.parse(probe);
  } catch (error) {
    throw new InvalidTargetInputError(
      `InputTemplate for target ${id} is not valid JSON: ${(error as Error).message}`,
      { pointer },
    );
  }
}

function compilePathsMap(
  id: string,
  map: Readonly<Record<string, string>>,
): Map<string, EventPath> {
  const base = "/InputTransformer/InputPathsMap";
  if (typeof map !== "object" || map === null || Array.isArray(map)) {
    throw new InvalidTargetInputError(`InputPathsMap for target ${id} must be an object.`, {
      pointer: base,
    });
  }
  const entries = Object.entries(map);
  if (entries.length > MAX_INPUT_PATHS) {
    throw new InvalidTargetInputError(
      `InputPathsMap for target ${id} has ${entries.length} variables; at most ${MAX_INPUT_PATHS} are allowed.`,
      { pointer: base },
    );
  }
  const paths = new Map<string, EventPath>();
  for (const [key, value] of entries) {
    const pointer = `${base}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (isPredefined(key) || key.toUpperCase().startsWith("AWS.")) {
      throw new InvalidTargetInputError(
        `InputPathsMap for target ${id} defines ${key}, a reserved variable name.`,
        { pointer },
      );
    }
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidTargetInputError(
        `InputPathsMap key '${key}' for target ${id} must be 1-256 characters of A-Z, a-z, 0-9, '_' and '-'.`,
        { pointer },
      );
    }
    paths.set(key, compileEventPath(value, pointer));
  }
  return paths;
}
