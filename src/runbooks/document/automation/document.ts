/**
 * An Automation runbook (schemaVersion 0.3) validated: its top-level keys, parameters, steps
 * (loop bodies included), document outputs and every `{{ }}` reference.
 */
import { invalid, objectAt, onlyKeys, shown, stringAt } from "../checks.js";
import { parseParameterDefinitions } from "../parameter-definitions.js";
import { pointer } from "../pointer.js";
import type { AutomationDocument, DocumentFormat, JsonObject, JsonValue } from "../types.js";
import { checkStepReferences, checkText, type ReferenceScope, stepOutputs } from "./references.js";
import { parseSteps } from "./steps.js";

const KEYS = [
  "schemaVersion",
  "description",
  "assumeRole",
  "parameters",
  "mainSteps",
  "outputs",
  "files",
];

/** The runbook in `root` (already known to be schemaVersion 0.3), validated. */
export function parseAutomationDocument(
  root: JsonObject,
  format: DocumentFormat,
): AutomationDocument {
  onlyKeys(root, KEYS, "");
  const parameters = parseParameterDefinitions(root.parameters, "/parameters");
  if (!Array.isArray(root.mainSteps) || root.mainSteps.length === 0)
    invalid(
      "/mainSteps",
      `expected mainSteps, a non-empty list of steps, got ${shown(root.mainSteps)}`,
    );
  const mainSteps = parseSteps(root.mainSteps, "/mainSteps", new Set());
  const scope: ReferenceScope = { parameters, outputs: stepOutputs(mainSteps) };
  const document: AutomationDocument = {
    documentType: "Automation",
    format,
    schemaVersion: "0.3",
    parameters,
    mainSteps,
    outputs: documentOutputs(root.outputs, scope),
    raw: root,
  };
  if (root.description !== undefined)
    document.description = stringAt(root.description, "/description", "a description");
  if (root.assumeRole !== undefined) {
    document.assumeRole = stringAt(root.assumeRole, "/assumeRole", "a role ARN or {{ Parameter }}");
    checkText(document.assumeRole, "/assumeRole", scope, "assumeRole");
  }
  if (root.files !== undefined)
    document.files = objectAt(root.files, "/files", "attachments by file name");
  // Defaults may name other parameters and variables, resolved when the automation starts.
  for (const [name, definition] of Object.entries(parameters))
    if (typeof definition.default === "string")
      checkText(definition.default, pointer("/parameters", name, "default"), scope, "default");
  checkStepReferences(mainSteps, "/mainSteps", scope);
  return document;
}

function documentOutputs(value: JsonValue | undefined, scope: ReferenceScope): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    invalid("/outputs", `expected outputs, a list of "Step.Output", got ${shown(value)}`);
  return value.map((item, index) => {
    const at = pointer("/outputs", index);
    const text = stringAt(item, at, '"Step.Output"');
    const dot = text.indexOf(".");
    const outputs = dot > 0 ? scope.outputs.get(text.slice(0, dot)) : undefined;
    if (!outputs)
      invalid(at, `expected "Step.Output" naming a step of the document, got ${shown(text)}`);
    const output = text.slice(dot + 1);
    if (!outputs.has(output))
      invalid(
        at,
        `expected an output of step ${text.slice(0, dot)} (${[...outputs].join(", ") || "it has none"}), got ${shown(output)}`,
      );
    return text;
  });
}
