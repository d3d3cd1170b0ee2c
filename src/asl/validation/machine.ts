/**
 * Validation of a machine body — the whole definition, a Parallel branch or a Map item
 * processor: its fields, each state through the registry, transition targets, reachability
 * and (at the top level) the existence of a terminal state.
 */
import type { QueryLanguage, StateType } from "../definition.js";
import type { JsonObject } from "../json.js";
import type { StateScope, ValidationContext } from "./context.js";
import { checkInteger, checkKind, checkRequired, checkUnknownFields, isKind } from "./fields.js";
import { pointer } from "./pointer.js";
import { STATE_VALIDATORS } from "./registry.js";
import { checkCommonFields } from "./state-common.js";

/** Fields of the top-level definition. */
export const TOP_LEVEL_FIELDS = [
  "Comment",
  "StartAt",
  "States",
  "Version",
  "TimeoutSeconds",
  "QueryLanguage",
];
const MAX_STATE_NAME = 80;

/** Validates one machine body at `location` ("/" for the definition itself). */
export function validateMachine(
  ctx: ValidationContext,
  raw: unknown,
  location: string,
  allowed: readonly string[],
  depth: number,
): void {
  const top = depth === 0;
  if (!isKind(raw, "OBJECT")) {
    ctx.schema(
      location,
      top ? "Definition must be a valid JSON object" : "Expected value of type [OBJECT]",
    );
    return;
  }
  if (depth > ctx.maxDepth) {
    ctx.error(
      "TOO_DEEPLY_NESTED",
      location,
      `State machines are nested deeper than ${ctx.maxDepth} levels`,
    );
    return;
  }
  const machine = raw as JsonObject;
  checkRequired(ctx, machine, ["States", "StartAt"], location);
  checkUnknownFields(ctx, machine, allowed, location);
  checkKind(ctx, machine.Comment, "STRING", pointer(location, "Comment"));
  checkKind(ctx, machine.StartAt, "STRING", pointer(location, "StartAt"));
  if (top) checkTopLevel(ctx, machine);
  const states = machine.States;
  if (states === undefined || !checkKind(ctx, states, "OBJECT", pointer(location, "States")))
    return;
  const statesAt = pointer(location, "States");
  const names = Object.keys(states as JsonObject);
  if (names.length === 0)
    ctx.schema(statesAt, "The field 'States' must contain at least one state");
  for (const name of names) {
    validateState(ctx, name, (states as JsonObject)[name], pointer(statesAt, name), depth);
  }
  checkTransitions(ctx, machine, states as JsonObject, location, top);
}

function checkTopLevel(ctx: ValidationContext, machine: JsonObject): void {
  if (machine.Version !== undefined && machine.Version !== "1.0") {
    ctx.schema("/Version", "Value should be one of the following: [1.0]");
  }
  checkInteger(ctx, machine, "TimeoutSeconds", "/", { min: 1, max: 99999999 });
}

/** The declared QueryLanguage of an object, reporting an invalid value. */
function declaredLanguage(
  ctx: ValidationContext,
  obj: JsonObject,
  location: string,
): QueryLanguage | undefined {
  const value = obj.QueryLanguage;
  if (value === undefined) return undefined;
  if (value === "JSONPath" || value === "JSONata") return value;
  const at = pointer(location, "QueryLanguage");
  if (typeof value !== "string") ctx.schema(at, "Expected value of type [STRING]");
  else ctx.schema(at, "Value should be one of the following: [JSONPath, JSONata]");
  return undefined;
}

/** Sets the machine's language before its states are visited (called for the top level). */
export function setTopLanguage(ctx: ValidationContext, raw: unknown): void {
  if (isKind(raw, "OBJECT"))
    ctx.topLanguage = declaredLanguage(ctx, raw as JsonObject, "/") ?? "JSONPath";
}

function validateState(
  ctx: ValidationContext,
  name: string,
  raw: unknown,
  location: string,
  depth: number,
): void {
  if (name.length > MAX_STATE_NAME) {
    ctx.schema(location, `State name must be at most ${MAX_STATE_NAME} characters`);
  }
  const first = ctx.stateNames.get(name);
  if (first !== undefined)
    ctx.error("DUPLICATE_STATE_NAME", location, `Duplicate State name: ${name}`);
  else ctx.stateNames.set(name, location);
  if (!isKind(raw, "OBJECT")) {
    ctx.schema(location, "Expected value of type [OBJECT]");
    return;
  }
  const state = raw as JsonObject;
  if (!checkRequired(ctx, state, ["Type"], location)) return;
  const validator =
    typeof state.Type === "string" ? STATE_VALIDATORS[state.Type as StateType] : undefined;
  if (validator === undefined || !Object.hasOwn(STATE_VALIDATORS, state.Type as string)) {
    const types = Object.keys(STATE_VALIDATORS).join(", ");
    ctx.schema(pointer(location, "Type"), `Value should be one of the following: [${types}]`);
    return;
  }
  const declared = declaredLanguage(ctx, state, location);
  // A JSONata machine cannot be switched back to JSONPath one state at a time.
  const downgraded = ctx.topLanguage === "JSONata" && declared === "JSONPath";
  if (downgraded) {
    ctx.schema(
      location,
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
  }
  const scope: StateScope = {
    ctx,
    name,
    state,
    type: state.Type as StateType,
    location,
    language: declared ?? ctx.topLanguage,
    depth,
    validateSubMachine: (sub, at, allowed) => validateMachine(ctx, sub, at, allowed, depth + 1),
  };
  checkCommonFields(scope, validator, downgraded);
  validator.validate(scope);
}

/** Transition targets of a state with the pointer of the field naming each. */
function targetsOf(state: JsonObject, location: string): [string, string, string][] {
  const out: [string, string, string][] = [];
  const add = (value: unknown, at: string, field: string) => {
    if (typeof value === "string") out.push([value, at, field]);
  };
  add(state.Next, pointer(location, "Next"), "Next");
  add(state.Default, pointer(location, "Default"), "Default");
  for (const field of ["Choices", "Catch"]) {
    const list = state[field];
    if (Array.isArray(list)) {
      list.forEach((item, i) => {
        if (isKind(item, "OBJECT"))
          add((item as JsonObject).Next, pointer(location, field, i, "Next"), "Next");
      });
    }
  }
  return out;
}

function checkTransitions(
  ctx: ValidationContext,
  machine: JsonObject,
  states: JsonObject,
  location: string,
  top: boolean,
): void {
  const statesAt = pointer(location, "States");
  const edges = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(states)) {
    if (!isKind(raw, "OBJECT")) continue;
    const targets = targetsOf(raw as JsonObject, pointer(statesAt, name));
    edges.set(
      name,
      targets.map(([t]) => t),
    );
    for (const [target, at, field] of targets) {
      if (!Object.hasOwn(states, target)) {
        ctx.error("MISSING_TRANSITION_TARGET", at, `Missing '${field}' target: ${target}`);
      }
    }
  }
  const startAt = machine.StartAt;
  if (typeof startAt !== "string") return;
  if (!Object.hasOwn(states, startAt)) {
    ctx.error(
      "MISSING_TRANSITION_TARGET",
      pointer(location, "StartAt"),
      `Missing 'Next' target: ${startAt}`,
    );
    return;
  }
  // AWS refuses a workflow without a terminal state outright, without reachability reports.
  if (top && !hasTerminalState(states)) {
    ctx.error("MISSING_END_STATE", location, "Workflow has no terminal state");
    return;
  }
  const reached = new Set([startAt]);
  const pending = [startAt];
  while (pending.length > 0) {
    for (const target of edges.get(pending.pop()!) ?? []) {
      if (Object.hasOwn(states, target) && !reached.has(target)) {
        reached.add(target);
        pending.push(target);
      }
    }
  }
  for (const name of Object.keys(states)) {
    if (!reached.has(name)) {
      ctx.error(
        "MISSING_TRANSITION_TARGET",
        pointer(statesAt, name),
        `State "${name}" is not reachable.`,
      );
    }
  }
}

function hasTerminalState(states: JsonObject): boolean {
  return Object.values(states).some((raw) => {
    if (!isKind(raw, "OBJECT")) return true;
    const s = raw as JsonObject;
    return s.Type === "Succeed" || s.Type === "Fail" || s.End === true || s.Type === undefined;
  });
}
