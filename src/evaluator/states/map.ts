import type { ItemProcessor, MapState, QueryLanguage } from "../../asl/definition.js";
import { StatesErrorName } from "../../asl/errors.js";
import type { Json, JsonObject } from "../../asl/json.js";
import { compileReferencePath } from "../../asl/reference-path.js";
import { type CompiledValue, compileJsonataValue, compileValue } from "../expressions.js";
import { compileErrorHandling, handleFailure } from "../failure.js";
import { compileIO, effectiveInput, finishState } from "../io.js";
import type { CompileContext, CompiledState, StateOutcome } from "../machine.js";
import { StateRun } from "../run.js";

/** *Path settings accept numbers and strings that spell them, as AWS does. */
const NUMERIC = { integer: /^[+-]?\d+$/, float: /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/ };

type Setting = (run: StateRun, input: Json) => number | undefined | Promise<number | undefined>;

/**
 * Map: forks one child frame per item (or per batch of items), at most MaxConcurrency at a
 * time; its result is the array of iteration outputs in item order.
 */
export function compileMap(
  name: string,
  definition: MapState,
  context: CompileContext,
): CompiledState {
  const { language } = context;
  const io = compileIO(definition, language);
  const handling = compileErrorHandling(definition.Retry, definition.Catch, language);
  const processorDefinition = definition.ItemProcessor ?? definition.Iterator;
  const processorField = definition.ItemProcessor ? "ItemProcessor" : "Iterator";
  if (!processorDefinition) throw new Error(`Map state '${name}' has no ItemProcessor`);
  const processor = context.compileChild(
    processorDefinition,
    `${context.pointer}/${processorField}`,
    language,
  );
  const distributed =
    (processorDefinition as ItemProcessor).ProcessorConfig?.Mode === "DISTRIBUTED";
  const items = compileItems(definition, language);
  const selectorTemplate = definition.ItemSelector ?? definition.Parameters;
  const selector =
    selectorTemplate !== undefined
      ? compileValue(
          selectorTemplate,
          definition.ItemSelector !== undefined ? "ItemSelector" : "Parameters",
          language,
        )
      : undefined;
  const batchInput =
    definition.ItemBatcher?.BatchInput !== undefined
      ? compileValue(definition.ItemBatcher.BatchInput, "ItemBatcher/BatchInput", language)
      : undefined;
  const maxItemsPerBatch = compileSetting(
    definition.ItemBatcher?.MaxItemsPerBatch,
    definition.ItemBatcher?.MaxItemsPerBatchPath,
    "MaxItemsPerBatch",
    "integer",
    language,
  );
  const maxConcurrency = compileSetting(
    definition.MaxConcurrency,
    definition.MaxConcurrencyPath,
    "MaxConcurrency",
    "integer",
    language,
  );
  const toleratedCount = compileSetting(
    definition.ToleratedFailureCount,
    definition.ToleratedFailureCountPath,
    "ToleratedFailureCount",
    "integer",
    language,
  );
  const toleratedPercentage = compileSetting(
    definition.ToleratedFailurePercentage,
    definition.ToleratedFailurePercentagePath,
    "ToleratedFailurePercentage",
    "float",
    language,
  );

  async function fork(run: StateRun): Promise<StateOutcome> {
    const input = effectiveInput(io, run);
    const list = await items(run, input);
    const concurrency = (await maxConcurrency(run, input)) ?? 0;
    const inputs: { input: Json; mapItem: { Index: number; Value: Json } }[] = [];
    for (let index = 0; index < list.length; index++) {
      const mapItem = { Index: index, Value: list[index] };
      const itemInput = selector
        ? await selector(itemRun(run, mapItem), input, { input: run.frame.input })
        : list[index];
      inputs.push({ input: itemInput, mapItem });
    }
    const batchSize = await maxItemsPerBatch(run, input);
    const branches = definition.ItemBatcher
      ? await batch(inputs, batchSize ?? inputs.length, batchInput, run, input)
      : inputs.map(({ input: itemInput, mapItem }) => ({
          machine: processor,
          input: itemInput,
          mapItem,
        }));
    run.step.history.record("MapStateStarted", { length: branches.length });
    // AWS reads the failure tolerance only after MapStateStarted.
    const count = await toleratedCount(run, input);
    if (count !== undefined && count < 0) {
      throw run.evaluationError(
        StatesErrorName.Runtime,
        "ToleratedFailureCount cannot be negative.",
      );
    }
    const percentage = await toleratedPercentage(run, input);
    if (percentage !== undefined && (percentage < 0 || percentage > 100)) {
      throw run.evaluationError(
        StatesErrorName.Runtime,
        "ToleratedFailurePercentage must be between 0 and 100.",
      );
    }
    if (distributed) run.step.history.record("MapRunStarted");
    return {
      kind: "fork",
      state: name,
      mode: "map",
      branches: branches.map((branch) => ({ ...branch, machine: processor })),
      maxConcurrency: concurrency,
      toleratedFailureCount: count,
      toleratedFailurePercentage: percentage,
      distributed,
      outerVariables: run.variables.all(),
    };
  }

  return {
    name,
    type: "Map",
    language,
    retriable: (definition.Retry?.length ?? 0) > 0,
    evaluationFailedEvent: "MapStateFailed",
    enter: fork,
    async resume(run, resumption) {
      switch (resumption.kind) {
        case "retry-due":
          return fork(run);
        case "branches-succeeded":
          if (distributed) run.step.history.record("MapRunSucceeded");
          run.step.history.record("MapStateSucceeded");
          return finishState(io, run, resumption.outputs, "result");
        case "branches-failed":
          if (distributed) run.step.history.record("MapRunFailed");
          return handleFailure(handling, run, resumption.error, resumption.cause, () =>
            run.step.history.record("MapStateFailed"),
          );
        default:
          throw new Error(`a Map state cannot resume from ${resumption.kind}`);
      }
    },
  };
}

/** A view of the run whose context object has `$$.Map.Item` for one item. */
function itemRun(run: StateRun, mapItem: { Index: number; Value: Json }): StateRun {
  return new StateRun(run.frame, run.state, { ...run.step, mapItem });
}

function compileItems(
  definition: MapState,
  language: QueryLanguage,
): (run: StateRun, input: Json) => Promise<Json[]> | Json[] {
  if (language === "JSONata") {
    const items =
      definition.Items !== undefined ? compileJsonataValue(definition.Items, "Items") : undefined;
    return async (run, input) => {
      if (!items) return asArray(input, run, StatesErrorName.QueryEvaluationError);
      const value = await items(run, input, { input: run.frame.input });
      if (Array.isArray(value)) return value;
      const text =
        typeof definition.Items === "string"
          ? definition.Items.slice(2, -2).trim()
          : JSON.stringify(definition.Items);
      throw run.evaluationError(
        StatesErrorName.QueryEvaluationError,
        `The JSONata expression '${text}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '${typeName(value)}' for value: ${JSON.stringify(value)}`,
      );
    };
  }
  const path = definition.ItemsPath;
  if (path === undefined) return (run, input) => asArray(input, run, StatesErrorName.Runtime);
  const reference = compileReferencePath(path);
  return (run, input) => {
    let value: Json | undefined;
    try {
      value = reference.evaluate(run.scope(input));
    } catch (error) {
      return run.locate(error);
    }
    if (value === undefined) {
      throw run.evaluationError(
        StatesErrorName.Runtime,
        `Invalid path '${path}' : ${reference.missing(run.scope(input))}`,
      );
    }
    return asArray(value, run, StatesErrorName.Runtime);
  };
}

function asArray(value: Json, run: StateRun, error: string): Json[] {
  if (Array.isArray(value)) return value;
  throw run.evaluationError(
    error,
    `Map state input must be an array but was: ${JSON.stringify(value)}`,
  );
}

function typeName(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

async function batch(
  inputs: { input: Json }[],
  size: number,
  batchInput: CompiledValue | undefined,
  run: StateRun,
  input: Json,
): Promise<{ input: Json; mapItem?: { Index: number; Value: Json } }[]> {
  const shared = batchInput ? await batchInput(run, input, { input: run.frame.input }) : undefined;
  const out: { input: Json }[] = [];
  for (let start = 0; start < inputs.length; start += Math.max(1, size)) {
    const body: JsonObject = {
      Items: inputs.slice(start, start + Math.max(1, size)).map((entry) => entry.input),
    };
    if (shared !== undefined) body.BatchInput = shared;
    out.push({ input: body });
  }
  return out;
}

function compileSetting(
  literal: number | string | undefined,
  path: string | undefined,
  field: string,
  kind: "integer" | "float",
  language: QueryLanguage,
): Setting {
  if (typeof literal === "number") return () => literal;
  if (typeof literal === "string" && language === "JSONata") {
    const value = compileJsonataValue(literal, field);
    return async (run, input) => {
      const result = await value(run, input, { input: run.frame.input });
      if (typeof result === "number" && (kind === "float" || Number.isInteger(result)))
        return result;
      throw run.evaluationError(
        StatesErrorName.QueryEvaluationError,
        `The JSONata expression '${literal.slice(2, -2).trim()}' specified for the field '${field}' returned an unexpected result type. Expected '${kind}', but was '${typeName(result)}' for value: ${JSON.stringify(result)}`,
      );
    };
  }
  if (path === undefined) return () => undefined;
  const reference = compileReferencePath(path);
  return (run, input) => {
    let value: Json | undefined;
    try {
      value = reference.evaluate(run.scope(input));
    } catch (error) {
      return run.locate(error);
    }
    const number =
      typeof value === "string" && NUMERIC[kind].test(value.trim()) ? Number(value) : value;
    if (typeof number === "number" && (kind === "float" || Number.isInteger(number))) return number;
    const shown = typeof value === "string" ? value : JSON.stringify(value ?? null);
    throw run.evaluationError(
      StatesErrorName.Runtime,
      `The ${field}Path field refers to value "${shown}" which is not a valid ${kind}: ${path}`,
    );
  };
}
