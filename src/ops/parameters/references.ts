/**
 * Dynamic references to parameters inside a Task's Parameters/Arguments, in CloudFormation's
 * syntax: `{{resolve:ssm:NAME}}`, `{{resolve:ssm:NAME:VERSION}}` (String and StringList) and
 * `{{resolve:ssm-secure:NAME[:VERSION]}}` (SecureString). They stay as written in the state
 * data and the execution history; `resolvingDispatcher` replaces them right before a task is
 * handed to its runner, so a clear value never reaches the store (a runner's error message
 * that echoes a SecureString is scrubbed to `***`). Failures are task errors Catch can name: `Parameters.NotFound`, `Parameters.VersionNotFound`,
 * `Parameters.InvalidReference`.
 */
import type { Json } from "../../asl/json.js";
import {
  type TaskDispatcher,
  TaskFailure,
  type TaskInvocation,
} from "../../runtime/task-dispatcher.js";
import { ParameterError } from "./errors.js";
import type { ParameterService } from "./service.js";

/** One reference, anywhere in a string. */
const REFERENCE = /\{\{resolve:(ssm|ssm-secure):([^{}]*)\}\}/g;
const OPENING = /\{\{resolve:ssm/g;

/**
 * Resources that keep what they are given inside opsflow (incidents, approvals, nested
 * executions, events): a SecureString would be stored in clear, so `ssm-secure` is refused
 * there. Plain `ssm` references resolve everywhere.
 */
const KEEPS_INPUT =
  /^arn:aws[\w-]*:states:::(opsflow:|states:startExecution|events:putEvents|aws-sdk:)/;

/** A reference, as written. */
export interface Reference {
  secure: boolean;
  selector: string;
}

/** The references in a string (throws Parameters.InvalidReference for a malformed one). */
export function referencesIn(text: string): Reference[] {
  const found = [...text.matchAll(REFERENCE)].map((m) => ({
    secure: m[1] === "ssm-secure",
    selector: m[2],
  }));
  if ((text.match(OPENING)?.length ?? 0) !== found.length)
    throw new TaskFailure(
      "Parameters.InvalidReference",
      "A parameter reference is malformed: write {{resolve:ssm:NAME}}, {{resolve:ssm:NAME:VERSION}} or {{resolve:ssm-secure:NAME[:VERSION]}}.",
    );
  return found;
}

/** True when `value` holds a reference anywhere (cheap: no parameter is read). */
export function hasReferences(value: Json): boolean {
  if (typeof value === "string") return value.includes("{{resolve:ssm");
  if (Array.isArray(value)) return value.some(hasReferences);
  if (typeof value === "object" && value !== null) return Object.values(value).some(hasReferences);
  return false;
}

/** Looks a reference up: its clear value. */
export type ReferenceLookup = (reference: Reference) => Promise<string>;

/** A copy of `value` with every reference in its strings replaced by what `lookup` gives. */
async function resolveReferences(value: Json, lookup: ReferenceLookup): Promise<Json> {
  if (typeof value === "string") {
    const references = referencesIn(value);
    if (references.length === 0) return value;
    const values: string[] = [];
    for (const reference of references) values.push(await lookup(reference));
    let index = 0;
    return value.replace(REFERENCE, () => values[index++]);
  }
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (const item of value) items.push(await resolveReferences(item, lookup));
    return items;
  }
  if (typeof value === "object" && value !== null) {
    const entries: [string, Json][] = [];
    for (const [key, item] of Object.entries(value))
      entries.push([key, await resolveReferences(item, lookup)]);
    return Object.fromEntries(entries);
  }
  return value;
}

/**
 * The lookup of references through the parameter service (workflows may decrypt). The clear
 * values of SecureStrings it hands out are added to `revealed`.
 */
function parameterLookup(
  parameters: ParameterService,
  resource: string,
  revealed: Set<string> = new Set(),
): ReferenceLookup {
  return async ({ secure, selector }) => {
    const kind = secure ? "ssm-secure" : "ssm";
    if (secure && KEEPS_INPUT.test(resource))
      throw new TaskFailure(
        "Parameters.InvalidReference",
        `{{resolve:ssm-secure:${selector}}} cannot be passed to ${resource}: it keeps its input inside opsflow, where the value would be stored in clear.`,
      );
    let view: Awaited<ReturnType<ParameterService["get"]>>;
    try {
      view = await parameters.get(selector, secure);
    } catch (error) {
      if (!(error instanceof ParameterError)) throw error;
      const name =
        error.code === "ParameterNotFound"
          ? "Parameters.NotFound"
          : error.code === "ParameterVersionNotFound"
            ? "Parameters.VersionNotFound"
            : "Parameters.InvalidReference";
      throw new TaskFailure(name, `{{resolve:${kind}:${selector}}}: ${error.message}`);
    }
    if (secure !== (view.type === "SecureString"))
      throw new TaskFailure(
        "Parameters.InvalidReference",
        secure
          ? `{{resolve:ssm-secure:${selector}}} names a ${view.type} parameter; use {{resolve:ssm:${selector}}}.`
          : `{{resolve:ssm:${selector}}} names a SecureString parameter; use {{resolve:ssm-secure:${selector}}}.`,
      );
    if (secure) revealed.add(view.value);
    return view.value;
  };
}

/** `text` with every revealed value replaced by `***`. */
function scrub(text: string, revealed: Set<string>): string {
  let result = text;
  for (const value of revealed) result = result.split(value).join("***");
  return result;
}

/**
 * A runner's failure whose message echoes what it was sent (a URL in a transport error, an
 * argument in a handler's error) would put a SecureString into the history: scrub it.
 */
function scrubbed(error: unknown, revealed: Set<string>): unknown {
  if (revealed.size === 0) return error;
  if (error instanceof TaskFailure)
    return error.cause === undefined || scrub(error.cause, revealed) === error.cause
      ? error
      : new TaskFailure(error.error, scrub(error.cause, revealed));
  if (error instanceof Error && scrub(error.message, revealed) !== error.message) {
    const copy = new Error(scrub(error.message, revealed));
    copy.name = error.name;
    return copy;
  }
  return error;
}

/** The name part of a selector (`NAME` or `NAME:VERSION`). */
const nameOf = (selector: string) => selector.replace(/:\d+$/, "");

/**
 * The parameter names a definition mentions: in its references, and as whole strings (the
 * `Name` of an `aws-sdk:ssm:getParameter` task, whose result is a reference).
 */
function namesIn(definition: string): Set<string> {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === "string") {
      names.add(value);
      for (const m of value.matchAll(REFERENCE)) names.add(nameOf(m[2] as string));
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(walk);
  };
  walk(JSON.parse(definition));
  return names;
}

/** Looks up an execution's definition (the text it runs). */
export type DefinitionLookup = (executionArn: string) => Promise<string | undefined>;

/**
 * Wraps the task dispatcher: references in a task's parameters are resolved just before the
 * task is invoked. The scheduled task (and its history event) keeps them as written.
 *
 * Only parameters the workflow's definition names are resolved. A reference can also arrive
 * in data (the execution's input); resolving those would let anyone allowed to start the
 * workflow read any parameter, decrypted, through a task that sends its input somewhere.
 */
export function resolvingDispatcher(
  inner: TaskDispatcher,
  parameters: ParameterService,
  definitionOf: DefinitionLookup,
): TaskDispatcher {
  const named = new Map<string, Set<string>>();
  const namesOf = async (executionArn: string) => {
    const definition = (await definitionOf(executionArn)) ?? "{}";
    let names = named.get(definition);
    if (!names) {
      names = namesIn(definition);
      if (named.size > 500) named.clear();
      named.set(definition, names);
    }
    return names;
  };
  return {
    async invoke(invocation: TaskInvocation, signal: AbortSignal): Promise<Json> {
      if (!hasReferences(invocation.parameters)) return inner.invoke(invocation, signal);
      const revealed = new Set<string>();
      const allowed = await namesOf(invocation.executionArn);
      const lookup = parameterLookup(parameters, invocation.resource, revealed);
      const resolved = await resolveReferences(invocation.parameters, (reference) => {
        if (!allowed.has(nameOf(reference.selector)))
          throw new TaskFailure(
            "Parameters.InvalidReference",
            `${nameOf(reference.selector)} is not named in the workflow's definition: references that arrive in data are not resolved.`,
          );
        return lookup(reference);
      });
      try {
        return await inner.invoke({ ...invocation, parameters: resolved }, signal);
      } catch (error) {
        throw scrubbed(error, revealed);
      }
    },
  };
}
