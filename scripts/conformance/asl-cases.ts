/**
 * Runs the ASL conformance corpus (../shared/conformance/asl, recorded against AWS) through
 * opsflow's validator and in-memory runner and compares with what AWS did.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { MachineDefinition } from "../../src/asl/definition.js";
import { DefinitionError, type Diagnostic } from "../../src/asl/errors.js";
import { type Json, jsonEquals } from "../../src/asl/json.js";
import { parseDefinitionText } from "../../src/asl/parse.js";
import {
  formatInvalidDefinitionMessage,
  validateDefinition,
} from "../../src/asl/validation/index.js";
import { compileMachine } from "../../src/evaluator/index.js";
import { VirtualClock } from "../../src/kernel/clock.js";
import { type ExecutionResult, runInMemory } from "../../src/runtime/in-memory.js";
import { type TaskDispatcher, TaskFailure } from "../../src/runtime/task-dispatcher.js";
import {
  functionNotFound,
  handlerError,
  invokeEnvelope,
  resolveFunctionCall,
} from "../../src/tasks/lambda.js";
import { deleteAtPath } from "./ignore-paths.js";

/** Where the corpus lives, relative to the repository root. */
export const CORPUS_DIR = resolve(import.meta.dirname, "../../../shared/conformance/asl/cases");

type FunctionSpec =
  | { kind: "echo" }
  | { kind: "constant"; value: Json }
  | { kind: "raise"; error: string; errorMessage: string };

/** One case file as the corpus README describes it. */
export interface AslCase {
  name: string;
  definition?: Json;
  definitionString?: string;
  input?: Json;
  functions?: Record<string, FunctionSpec>;
  stateMachineType?: "STANDARD" | "EXPRESS";
  via?: string;
  expected: {
    status?: string;
    output?: Json;
    error?: string;
    cause?: string;
    causeJson?: Json;
    historyTypes?: string[];
    historyOrdered?: boolean;
    rejected?: boolean;
    messageContains?: string;
    diagnostics?: { code: string; location?: string }[];
  };
  ignorePaths?: string[];
  shapes?: Record<string, string>;
}

/** The verdict on one case. */
export interface CaseResult {
  name: string;
  category: string;
  passed: boolean;
  reason?: string;
}

/** Loads every case, sorted by name. */
export function loadCases(dir = CORPUS_DIR): AslCase[] {
  const cases: AslCase[] = [];
  for (const category of readdirSync(dir).sort()) {
    for (const file of readdirSync(join(dir, category)).sort()) {
      if (file.endsWith(".json"))
        cases.push(JSON.parse(readFileSync(join(dir, category, file), "utf8")));
    }
  }
  return cases;
}

/** Runs one case and says whether opsflow agrees with AWS, and why not. */
export async function runCase(testCase: AslCase): Promise<CaseResult> {
  const category = testCase.name.split("/")[0];
  try {
    const reason =
      testCase.expected.rejected !== undefined || testCase.via
        ? checkValidation(testCase)
        : await checkExecution(testCase);
    return reason === undefined
      ? { name: testCase.name, category, passed: true }
      : { name: testCase.name, category, passed: false, reason };
  } catch (error) {
    return {
      name: testCase.name,
      category,
      passed: false,
      reason: `crashed: ${(error as Error).stack ?? error}`,
    };
  }
}

function checkValidation(testCase: AslCase): string | undefined {
  let diagnostics: readonly Diagnostic[];
  try {
    const raw =
      testCase.definitionString !== undefined
        ? parseDefinitionText(testCase.definitionString)
        : testCase.definition;
    diagnostics = validateDefinition(raw, { type: testCase.stateMachineType ?? "STANDARD" });
  } catch (error) {
    if (!(error instanceof DefinitionError)) throw error;
    diagnostics = error.diagnostics;
  }
  const { expected } = testCase;
  if (!expected.rejected) {
    return diagnostics.length === 0
      ? undefined
      : `rejected a definition AWS accepted: ${formatInvalidDefinitionMessage(diagnostics)}`;
  }
  if (diagnostics.length === 0) return "accepted a definition AWS rejected";
  if (expected.diagnostics) {
    const missing = expected.diagnostics.filter(
      // Locations are compared where AWS gave a JSON Pointer (not Jackson's parser positions).
      (want) =>
        !diagnostics.some(
          (got) =>
            got.code === want.code &&
            (!want.location?.startsWith("/") || got.location === want.location),
        ),
    );
    if (missing.length > 0)
      return `missing diagnostics ${JSON.stringify(missing)}; got ${JSON.stringify(diagnostics)}`;
    return undefined;
  }
  const message = formatInvalidDefinitionMessage(diagnostics);
  if (expected.messageContains && !message.includes(expected.messageContains)) {
    return `message ${JSON.stringify(message)} lacks ${JSON.stringify(expected.messageContains)}`;
  }
  return undefined;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function checkExecution(testCase: AslCase): Promise<string | undefined> {
  const diagnostics = validateDefinition(testCase.definition, {
    type: testCase.stateMachineType ?? "STANDARD",
  });
  if (diagnostics.length > 0)
    return `validator rejected it: ${formatInvalidDefinitionMessage(diagnostics)}`;
  const machine = compileMachine(testCase.definition as unknown as MachineDefinition);
  let seed = 0;
  const nextRandom = () => {
    // A small LCG: deterministic, so UUID/MathRandom cases are reproducible.
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const result = await runInMemory(machine, testCase.input ?? {}, {
    dispatcher: corpusFunctions(testCase.functions ?? {}),
    clock: new VirtualClock(Date.parse("2024-01-01T00:00:00Z")),
    entropy: {
      random: nextRandom,
      uuid: () => "00000000-0000-4000-8000-000000000000",
    },
    history: true,
    payloadLimitBytes: 256 * 1024,
    execution: { name: "conformance", stateMachineName: "conformance" },
  });
  return compareExecution(testCase, result);
}

function compareExecution(testCase: AslCase, result: ExecutionResult): string | undefined {
  const { expected } = testCase;
  const problems: string[] = [];
  if (result.status !== expected.status) {
    problems.push(
      `status ${result.status} (${result.error ?? ""}: ${result.cause ?? ""}), expected ${expected.status}`,
    );
    return problems.join("; ");
  }
  const actual: Record<string, Json> = {};
  const wanted: Record<string, Json> = {};
  if (expected.status === "SUCCEEDED") {
    actual.output = result.output ?? null;
    wanted.output = expected.output ?? null;
  } else {
    if (expected.error !== undefined || result.error !== undefined) {
      actual.error = result.error ?? null;
      wanted.error = expected.error ?? null;
    }
    if (expected.causeJson !== undefined) {
      actual.causeJson = safeParse(result.cause ?? "") as Json;
      wanted.causeJson = expected.causeJson;
    } else if (expected.cause !== undefined || result.cause !== undefined) {
      actual.cause = result.cause ?? null;
      wanted.cause = expected.cause ?? null;
    }
  }
  for (const [path, pattern] of Object.entries(testCase.shapes ?? {})) {
    const value = readPath(actual, path);
    if (typeof value !== "string" || !new RegExp(pattern).test(value))
      problems.push(`${path} = ${JSON.stringify(value)} does not match /${pattern}/`);
  }
  for (const path of testCase.ignorePaths ?? []) {
    deleteAtPath(actual, path);
    deleteAtPath(wanted, path);
  }
  for (const key of Object.keys(wanted)) {
    if (!jsonEquals(actual[key], wanted[key])) {
      problems.push(
        `${key}: got ${JSON.stringify(actual[key])?.slice(0, 400)}, expected ${JSON.stringify(wanted[key])?.slice(0, 400)}`,
      );
    }
  }
  if (expected.historyTypes && result.history) {
    const got = result.history.map((event) => event.type as string);
    const want = expected.historyTypes;
    const same =
      expected.historyOrdered === false
        ? jsonEquals([...got].sort(), [...want].sort())
        : jsonEquals(got, want);
    if (!same) problems.push(`history ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
  }
  return problems.length > 0 ? problems.join("; ") : undefined;
}

function readPath(root: Record<string, Json>, path: string): Json | undefined {
  const holder = { value: structuredClone(root) as Json };
  let found: Json | undefined;
  deleteAtPath(holder.value as Record<string, Json>, path, (value) => {
    found = value;
  });
  return found;
}

/** The corpus's trivial Lambda functions, behind the same resource resolution opsflow uses. */
function corpusFunctions(functions: Record<string, FunctionSpec>): TaskDispatcher {
  return {
    async invoke(invocation) {
      const call = resolveFunctionCall(invocation.resource, invocation.parameters);
      if (!call)
        throw new TaskFailure("States.Runtime", `unsupported resource ${invocation.resource}`);
      const spec = functions[call.functionName];
      const requestId = "00000000-0000-4000-8000-000000000001";
      if (!spec)
        throw functionNotFound(
          `arn:aws:lambda:us-east-1:111111111111:function:${call.functionName}`,
          requestId,
        );
      let result: Json;
      if (spec.kind === "raise") throw handlerError(spec.error, spec.errorMessage, requestId);
      if (spec.kind === "constant") result = spec.value;
      else result = call.event;
      return call.envelope
        ? invokeEnvelope(result, requestId, call.tailLog ? "log" : undefined)
        : result;
    },
  };
}
