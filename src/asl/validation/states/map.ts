/** Map: runs an item processor (a machine body) for each item of its input. */
import type { JsonObject } from "../../json.js";
import type { StateScope, StateValidator } from "../context.js";
import { checkPathField, checkPayloadTemplate, isJsonataExpression } from "../expressions.js";
import {
  checkExclusive,
  checkInteger,
  checkKind,
  checkNumber,
  checkUnknownFields,
  isKind,
} from "../fields.js";
import { pointer } from "../pointer.js";
import { checkRetryAndCatch } from "../retry-catch.js";

// AWS accepts ProcessorConfig in the legacy Iterator too (recorded in the map cases).
const PROCESSOR_FIELDS = ["StartAt", "States", "Comment", "ProcessorConfig"];

export const mapValidator: StateValidator = {
  fields: [
    "Next",
    "End",
    "Iterator",
    "ItemProcessor",
    "ItemsPath",
    "Items",
    "ItemSelector",
    "Parameters",
    "ItemReader",
    "ResultWriter",
    "ItemBatcher",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "Label",
    "InputPath",
    "OutputPath",
    "ResultPath",
    "ResultSelector",
    "Output",
    "Assign",
    "Retry",
    "Catch",
  ],
  transitions: true,
  validate(scope) {
    const { ctx, state, location, language } = scope;
    const jsonata = language === "JSONata";
    if (!jsonata) {
      for (const field of [
        "ItemsPath",
        "MaxConcurrencyPath",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentagePath",
      ]) {
        checkPathField(ctx, state, field, location);
      }
      checkPathField(ctx, state, "ResultPath", location, { nullable: true });
      for (const field of ["Parameters", "ItemSelector", "ResultSelector"]) {
        checkPayloadTemplate(ctx, state[field], pointer(location, field));
      }
    } else if (
      state.Items !== undefined &&
      !Array.isArray(state.Items) &&
      !isJsonataExpression(state.Items)
    ) {
      ctx.schema(
        pointer(location, "Items"),
        "The field 'Items' must be an array or a JSONata expression",
      );
    }
    checkExclusive(ctx, state, "Parameters", "ItemSelector", location);
    checkLimits(scope);
    for (const field of ["ItemReader", "ResultWriter", "ItemBatcher"]) {
      checkKind(ctx, state[field], "OBJECT", pointer(location, field));
    }
    if (typeof state.Label === "string" && state.Label.length > 40) {
      ctx.schema(pointer(location, "Label"), "The field 'Label' must be at most 40 characters");
    } else checkKind(ctx, state.Label, "STRING", pointer(location, "Label"));
    checkRetryAndCatch(scope);
    checkProcessor(scope);
  },
};

/** MaxConcurrency and the tolerated-failure thresholds, each exclusive with its *Path. */
function checkLimits({ ctx, state, location, language }: StateScope): void {
  const jsonata = language === "JSONata";
  checkInteger(ctx, state, "MaxConcurrency", location, { min: 0, jsonata });
  checkInteger(ctx, state, "ToleratedFailureCount", location, { min: 0, jsonata });
  checkNumber(ctx, state, "ToleratedFailurePercentage", location, { min: 0, max: 100, jsonata });
  for (const field of ["MaxConcurrency", "ToleratedFailureCount", "ToleratedFailurePercentage"]) {
    checkExclusive(ctx, state, field, `${field}Path`, location);
  }
}

/** Exactly one of ItemProcessor (current) and Iterator (legacy). */
function checkProcessor(scope: StateScope): void {
  const { ctx, state, location } = scope;
  const hasProcessor = Object.hasOwn(state, "ItemProcessor");
  const hasIterator = Object.hasOwn(state, "Iterator");
  if (hasProcessor === hasIterator) {
    ctx.schema(
      location,
      "A Map state must have exactly one of the fields 'ItemProcessor' and 'Iterator'",
    );
  }
  const field = hasProcessor ? "ItemProcessor" : "Iterator";
  const at = pointer(location, field);
  if (hasIterator)
    scope.validateSubMachine(state.Iterator, pointer(location, "Iterator"), PROCESSOR_FIELDS);
  if (hasProcessor) scope.validateSubMachine(state.ItemProcessor, at, PROCESSOR_FIELDS);
  const processor = state[field];
  if (!isKind(processor, "OBJECT")) return;
  const config = (processor as JsonObject).ProcessorConfig;
  const configAt = pointer(at, "ProcessorConfig");
  if (config === undefined || !checkKind(ctx, config, "OBJECT", configAt)) return;
  const c = config as JsonObject;
  checkUnknownFields(ctx, c, ["Mode", "ExecutionType"], configAt);
  if (c.Mode !== undefined && c.Mode !== "INLINE" && c.Mode !== "DISTRIBUTED") {
    ctx.schema(
      pointer(configAt, "Mode"),
      "Value should be one of the following: [INLINE, DISTRIBUTED]",
    );
  }
  if (
    c.ExecutionType !== undefined &&
    c.ExecutionType !== "STANDARD" &&
    c.ExecutionType !== "EXPRESS"
  ) {
    ctx.schema(
      pointer(configAt, "ExecutionType"),
      "Value should be one of the following: [STANDARD, EXPRESS]",
    );
  }
  if (c.Mode === "DISTRIBUTED" && c.ExecutionType === undefined) {
    ctx.schema(configAt, "These fields are required: [ExecutionType]");
  }
}
