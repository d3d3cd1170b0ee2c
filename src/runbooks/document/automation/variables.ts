/**
 * `{{ }}` references in Automation runbooks: listing them in a text, and resolving the
 * automation's own variables (`global:*`, `automation:EXECUTION_ID`) from values the caller
 * passes in (the date and time included: this core reads no clock).
 */

/** The global variables a runbook may use. */
export const GLOBAL_VARIABLES = [
  "ACCOUNT_ID",
  "REGION",
  "DATE",
  "DATE_TIME",
  "AWS_PARTITION",
] as const;
/** The automation variables a runbook may use. */
export const AUTOMATION_VARIABLES = ["EXECUTION_ID"] as const;

/** One `{{ }}` reference, by what it names. */
export type AutomationReference =
  | { kind: "global"; text: string; name: string }
  | { kind: "automation"; text: string; name: string }
  | { kind: "ssm"; text: string; name: string; secure: boolean }
  /** A parameter; a name with a dot may also be one (parameter names allow dots). */
  | { kind: "parameter"; text: string; name: string }
  /** `Step.Output`, loop variables (`loop.CurrentIteration`) included. */
  | { kind: "output"; text: string; name: string; step: string; output: string }
  /** Not a reference form Automation knows (`{{ a:b }}`). */
  | { kind: "unknown"; text: string; name: string };

/** A reference anywhere in a text (`g`: use with matchAll / replace only). */
const REFERENCE = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** Every `{{ }}` reference in `text`, in order. */
export function listReferences(text: string): AutomationReference[] {
  return [...text.matchAll(REFERENCE)].map((match) => classify(match[0], match[1]));
}

function classify(text: string, name: string): AutomationReference {
  const colon = name.indexOf(":");
  if (colon >= 0) {
    const scope = name.slice(0, colon);
    const rest = name.slice(colon + 1);
    if (scope === "global") return { kind: "global", text, name: rest };
    if (scope === "automation") return { kind: "automation", text, name: rest };
    if (scope === "ssm" || scope === "ssm-secure")
      return { kind: "ssm", text, name: rest, secure: scope === "ssm-secure" };
    return { kind: "unknown", text, name };
  }
  const dot = name.indexOf(".");
  if (dot > 0)
    return { kind: "output", text, name, step: name.slice(0, dot), output: name.slice(dot + 1) };
  return { kind: "parameter", text, name };
}

/** The values of the automation's variables at the moment a step runs. */
export interface VariableValues {
  accountId: string;
  region: string;
  partition: string;
  /** When the referring step runs: `global:DATE` and `global:DATE_TIME` (in UTC). */
  now: Date;
  executionId?: string;
}

/**
 * `text` with its `global:*` and `automation:*` references replaced; other references stay.
 * `global:DATE` is `yyyy-MM-dd`, `global:DATE_TIME` `yyyy-MM-dd_HH.mm.ss`.
 */
export function resolveVariables(text: string, values: VariableValues): string {
  return text.replace(REFERENCE, (all, name: string) => {
    const reference = classify(all, name);
    if (
      reference.kind === "automation" &&
      reference.name === "EXECUTION_ID" &&
      values.executionId !== undefined
    )
      return values.executionId;
    if (reference.kind !== "global") return all;
    const iso = values.now.toISOString();
    switch (reference.name) {
      case "ACCOUNT_ID":
        return values.accountId;
      case "REGION":
        return values.region;
      case "AWS_PARTITION":
        return values.partition;
      case "DATE":
        return iso.slice(0, 10);
      case "DATE_TIME":
        return `${iso.slice(0, 10)}_${iso.slice(11, 19).replaceAll(":", ".")}`;
      default:
        return all;
    }
  });
}
