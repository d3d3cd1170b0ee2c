/**
 * Parsing SSM documents: text (JSON or YAML) to a validated document, refusing anything
 * wrong with a JSON Pointer to it and what was expected there.
 *
 * Command documents must be schemaVersion 2.2, Automation runbooks 0.3 (validated in
 * `automation/`).
 */
import { ACTIONS, isCommandAction } from "./actions/table.js";
import { parseAutomationDocument } from "./automation/document.js";
import { invalid, objectAt, onlyKeys, shown, stringAt } from "./checks.js";
import { DocumentError } from "./errors.js";
import { parseParameterDefinitions } from "./parameter-definitions.js";
import { pointer } from "./pointer.js";
import { parsePrecondition, stepPlatforms } from "./precondition.js";
import { readDocumentText } from "./syntax.js";
import type {
  CommandDocument,
  CommandStep,
  DocumentFormat,
  JsonObject,
  JsonValue,
  ParsedDocument,
} from "./types.js";

/** Step names, as SSM allows them. */
export const STEP_NAME = /^[a-zA-Z0-9_.-]+$/;

const COMMAND_KEYS = ["schemaVersion", "description", "parameters", "mainSteps"];
const STEP_KEYS = ["action", "name", "inputs", "precondition"];

/** The schema version each document type takes. */
const SCHEMA_VERSIONS = { Command: "2.2", Automation: "0.3" } as const;

/**
 * Parses and validates a document.
 * @param content the document text
 * @param format its format; when absent, JSON is tried first, then YAML
 * @param documentType the type the caller declares (CreateDocument's DocumentType); when
 *   absent, the schema version decides
 * @throws DocumentError `InvalidDocumentContent` (located) or `InvalidDocumentSchemaVersion`
 */
export function parseDocument(
  content: string,
  format?: DocumentFormat,
  documentType?: ParsedDocument["documentType"],
): ParsedDocument {
  const syntax = readDocumentText(content, format);
  const root = objectAt(syntax.value, "", "a document");
  const version = root.schemaVersion;
  const at = "/schemaVersion";
  if (version === undefined)
    invalid(at, 'expected schemaVersion ("2.2" for Command, "0.3" for Automation)');
  // YAML reads an unquoted 2.2 as a number; SSM takes either spelling.
  const text = typeof version === "number" ? String(version) : version;
  const type = text === "2.2" ? "Command" : text === "0.3" ? "Automation" : undefined;
  if (type === undefined || (documentType !== undefined && type !== documentType)) {
    const wanted = documentType
      ? `"${SCHEMA_VERSIONS[documentType]}" for a ${documentType} document`
      : '"2.2" (Command) or "0.3" (Automation)';
    throw new DocumentError(
      "InvalidDocumentSchemaVersion",
      at,
      `expected schemaVersion ${wanted}, got ${shown(version)}`,
    );
  }
  return type === "Command"
    ? commandDocument(root, syntax.format)
    : parseAutomationDocument(root, syntax.format);
}

function commandDocument(root: JsonObject, format: DocumentFormat): CommandDocument {
  onlyKeys(root, COMMAND_KEYS, "");
  const document: CommandDocument = {
    documentType: "Command",
    format,
    schemaVersion: "2.2",
    parameters: parseParameterDefinitions(root.parameters, "/parameters"),
    mainSteps: [],
  };
  if (root.description !== undefined)
    document.description = stringAt(root.description, "/description", "a description");
  const steps = stepList(root.mainSteps);
  const names = new Set<string>();
  document.mainSteps = steps.map((raw, index) => {
    const step = commandStep(raw, pointer("/mainSteps", index));
    if (names.has(step.name))
      invalid(
        pointer("/mainSteps", index, "name"),
        `expected a step name unique in the document; "${step.name}" is used twice`,
      );
    names.add(step.name);
    return step;
  });
  return document;
}

function stepList(value: JsonValue | undefined): JsonValue[] {
  if (!Array.isArray(value) || value.length === 0)
    invalid("/mainSteps", `expected mainSteps, a non-empty list of steps, got ${shown(value)}`);
  return value;
}

function commandStep(raw: JsonValue, at: string): CommandStep {
  const fields = objectAt(raw, at, "a step");
  onlyKeys(fields, STEP_KEYS, at);
  const action = fields.action;
  if (!isCommandAction(action))
    invalid(
      pointer(at, "action"),
      `expected an action, one of ${Object.keys(ACTIONS).join(", ")}, got ${shown(action)}`,
    );
  const name = stringAt(fields.name, pointer(at, "name"), "a step name");
  if (!STEP_NAME.test(name))
    invalid(
      pointer(at, "name"),
      `expected a step name of letters, digits, _ . -, got ${shown(name)}`,
    );
  const inputs = objectAt(fields.inputs, pointer(at, "inputs"), `the inputs of ${action}`);
  const definition = ACTIONS[action];
  onlyKeys(inputs, definition.inputs, pointer(at, "inputs"));
  definition.check(inputs, pointer(at, "inputs"));
  const step: CommandStep = { action, name, inputs };
  if (fields.precondition !== undefined) {
    step.precondition = parsePrecondition(fields.precondition, pointer(at, "precondition"));
    if (stepPlatforms(step, definition.platforms).length === 0)
      invalid(
        pointer(at, "precondition", "StringEquals", 1),
        `expected a platform ${action} runs on (${definition.platforms.join(", ")}), got ${shown(step.precondition.StringEquals[1])}`,
      );
  }
  return step;
}

/**
 * The document as JSON text in SSM's shape (without the fields this core adds), so it can
 * be stored with a command and parsed again to the same document.
 */
export function documentJson(document: ParsedDocument): string {
  if (document.documentType === "Automation") return JSON.stringify(document.raw);
  const { schemaVersion, description, parameters, mainSteps } = document;
  return JSON.stringify({ schemaVersion, description, parameters, mainSteps });
}
